"""Reads of brokerage events: participants with filters, match scores, indicators."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from clusterscape.accounts.permissions import AnyUser, is_signed_in
from clusterscape.registry.models import Organisation

from .brokerage_models import BrokerageEvent, Meeting, MeetingOutcome, MeetingRequest, Participant
from .presentation import Recommendation, present
from .profiles import Profile
from .queries import idf_for, indexed_profiles, profile_of
from .scoring import score


def participants_of(
    brokerage: BrokerageEvent,
    *,
    country: str = "",
    field: str = "",
    kind: str = "",
    cooperation: str = "",
) -> QuerySet[Participant]:
    """The event's participants whose organisation is published (a new partner's draft
    organisation stays hidden until an editor publishes it), narrowed by the organisation's
    country, field or kind and by the type of cooperation of the offers and requests the
    participant picked."""
    found = brokerage.participants.select_related("organisation__country").filter(
        organisation__status=Organisation.Status.PUBLISHED
    )
    if country:
        found = found.filter(organisation__country__code=country)
    if field:
        found = found.filter(organisation__fields__slug=field)
    if kind:
        found = found.filter(organisation__kind=kind)
    if cooperation:
        found = found.filter(partner_requests__cooperation=cooperation)
    return found.distinct()


def participant_for(brokerage: BrokerageEvent, user: AnyUser) -> Participant | None:
    """The user's participation (registered by them) in the event, if any."""
    if not is_signed_in(user):
        return None
    return brokerage.participants.select_related("organisation", "user").filter(user=user).first()


class Listed(Protocol):
    """A participant as the list orders it: a Participant, or a row of `listed`."""

    pk: int
    organisation_id: int


def listed(participants: QuerySet[Participant]) -> list[Listed]:
    """Only the ids of the participants, in the list's order: a big event's list is ordered
    by score before a page of it is read in full (`in_full`)."""
    return list(participants.values_list("pk", "organisation_id", named=True))


def in_full(entries: Iterable[Listed]) -> list[Participant]:
    """The participants of the entries with their organisation and its country, in order."""
    entries = list(entries)
    found = Participant.objects.select_related("organisation__country").in_bulk(
        [entry.pk for entry in entries]
    )
    return [found[entry.pk] for entry in entries if entry.pk in found]


@dataclass
class Scores:
    """My match with each other participant's organisation: the score of all (so the list
    can be ordered by it), score with parts and reasons only for the ones shown.

    Only the numbers are kept of the thousand matches a big event has: each match's objects
    are freed as soon as its score is read, instead of living to the end of the request,
    where they made the collector's full passes (up to 200 ms) part of every tenth page."""

    profile: Profile | None
    idf: dict[str, float]
    profiles: dict[int, Profile]  # organisation id → indexed profile
    scores: dict[int, float]  # organisation id → score

    def score_of(self, entry: Listed) -> float:
        """The participant's score, -1 for my own organisation or one without a profile."""
        return self.scores.get(entry.organisation_id, -1.0)

    def recommendations(self, entries: Iterable[Listed]) -> dict[int, Recommendation]:
        """Score, parts and reasons in the active language for the given participants, by
        organisation id."""
        if self.profile is None:
            return {}
        chosen = {entry.organisation_id for entry in entries} & self.profiles.keys()
        matches = [score(self.profile, self.profiles[pk], self.idf) for pk in sorted(chosen)]
        return {r.organisation.pk: r for r in present(self.profile, matches)}


def scored(me: Participant, others: Iterable[Listed]) -> Scores:
    """My match with each other participant's organisation (my own organisation excluded)."""
    a = profile_of(me.organisation)
    if a is None:
        return Scores(None, {}, {}, {})
    ids = {e.organisation_id for e in others if e.organisation_id != me.organisation_id}
    idf, _df, _total = idf_for(sorted(a.terms))
    profiles = {b.organisation_id: b for b in indexed_profiles(ids)}
    return Scores(a, idf, profiles, {pk: score(a, b, idf).score for pk, b in profiles.items()})


def best_first(entries: list[Listed], scores: Scores) -> list[Listed]:
    """The participants by my match with them, best first; ties in the list's own order
    (by name), which the sort keeps."""
    return sorted(entries, key=lambda entry: -scores.score_of(entry))


def suggested_meetings(
    me: Participant,
    scores: Scores,
    entries: list[Listed],
    *,
    limit: int = 5,
) -> list[tuple[Participant, Recommendation]]:
    """The best-scoring participants `me` has neither asked nor met nor been asked by (a
    withdrawn or cancelled request counts as none), best first, ties by name; `scores` is
    what `scored` gave for `entries`, which come in the list's order."""
    closed = (MeetingRequest.Status.WITHDRAWN, MeetingRequest.Status.CANCELLED)
    related = set()
    for sender, recipient in (
        MeetingRequest.objects.filter(Q(sender=me) | Q(recipient=me))
        .exclude(status__in=closed)
        .values_list("sender_id", "recipient_id")
    ):
        related.update((sender, recipient))
    found = [
        entry
        for entry in entries
        if entry.pk not in related
        and entry.organisation_id != me.organisation_id
        and scores.score_of(entry) > 0
    ]
    found = best_first(found, scores)[:limit]
    shown = scores.recommendations(found)
    return [(p, shown[p.organisation_id]) for p in in_full(found) if p.organisation_id in shown]


def indicators(brokerage: BrokerageEvent) -> dict:
    """The organiser's and the event page's figures."""
    statuses = Counter(
        dict(
            MeetingRequest.objects.filter(brokerage=brokerage)
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
    )
    outcomes = Counter(
        dict(
            MeetingOutcome.objects.filter(meeting__brokerage=brokerage)
            .values_list("kind")
            .annotate(n=Count("pk"))
            .values_list("kind", "n")
        )
    )
    countries = (
        brokerage.participants.values_list("organisation__country__code")
        .annotate(n=Count("pk"))
        .order_by("-n", "organisation__country__code")
        .values_list("organisation__country__code", "n")
    )
    return {
        "participants": brokerage.participants.count(),
        "requests": sum(statuses.values()),
        "statuses": {status: statuses.get(status, 0) for status in MeetingRequest.Status.values},
        "meetings": Meeting.objects.filter(brokerage=brokerage).count(),
        "held": Meeting.objects.filter(brokerage=brokerage, slot_end__lte=timezone.now()).count(),
        "outcomes": [(kind.label, outcomes.get(kind.value, 0)) for kind in MeetingOutcome.Kind],
        "countries": list(countries),
    }
