"""Recommendations as pages and the API show them: the organisation, the score, its parts
and its reasons in the active language."""

from dataclasses import dataclass

from django.db.models import Q

from clusterscape.registry.models import Organisation, PartnerLink

from .profiles import Profile
from .reasons import PART_LABELS, Labels, render_reason
from .scoring import WEIGHTS, Match, Reason


@dataclass
class Part:
    name: str
    label: str
    value: float

    @property
    def percent(self) -> int:
        return round(self.value * 100)


@dataclass
class Recommendation:
    organisation: Organisation
    match: Match
    parts: list[Part]
    reasons: list[tuple[Reason, str]]
    known_partner: bool = False
    bookmarked: bool = False

    @property
    def percent(self) -> int:
        return round(self.match.score * 100)

    @property
    def summary(self) -> str:
        text = "; ".join(text for _reason, text in self.reasons)
        return text[:1].upper() + text[1:]


def present(
    a: Profile, matches: list[Match], *, bookmarked: set[int] = frozenset()
) -> list[Recommendation]:
    """Recommendations for the matches, in their order (organisations in one query)."""
    ids = [m.profile.organisation_id for m in matches]
    organisations = Organisation.objects.select_related("country").in_bulk(ids)
    known: set[int] = set()
    if a.organisation_id is not None and ids:
        for source, target in PartnerLink.objects.filter(
            Q(source_id=a.organisation_id, target_id__in=ids)
            | Q(target_id=a.organisation_id, source_id__in=ids)
        ).values_list("source_id", "target_id"):
            known.add(target if source == a.organisation_id else source)
    labels = Labels.load()
    found = []
    for match in matches:
        organisation = organisations.get(match.profile.organisation_id)
        if organisation is None:
            continue
        found.append(
            Recommendation(
                organisation=organisation,
                match=match,
                parts=parts_of(match),
                reasons=[(reason, render_reason(reason, labels)) for reason in match.reasons],
                known_partner=organisation.pk in known,
                bookmarked=organisation.pk in bookmarked,
            )
        )
    return found


def parts_of(match: Match) -> list[Part]:
    return [Part(name, str(PART_LABELS[name]()), match.parts[name]) for name in WEIGHTS]
