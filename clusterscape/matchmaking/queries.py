"""Reads of matchmaking: recommendations drawn from the match index."""

import math
from dataclasses import dataclass

from django.db.models import Case, F, FloatField, Sum, Value, When

from clusterscape.registry.models import Organisation

from .models import MatchPosting, MatchProfile, MatchTerm
from .profiles import Profile
from .scoring import Match, score

CANDIDATES = 300  # drawn from the postings, then scored in full
CANDIDATE_TERMS = 20
MAX_TERM_SHARE = 0.1  # terms in more than this share of profiles draw no candidates
MIN_TERM_DF = 5


class Scope:
    INTERNATIONAL = "international"  # partners outside the own country (the programme's rule)
    ANY = "any"
    CHOICES = (INTERNATIONAL, ANY)


@dataclass
class Filters:
    country: str = ""
    state: str = ""
    field: str = ""
    kind: str = ""
    programme: str = ""


def profile_of(organisation: Organisation) -> Profile | None:
    """The indexed profile of an organisation (None unless it is published)."""
    row = MatchProfile.objects.filter(pk=organisation.pk).first()
    return Profile.from_json(row.pk, row.data) if row else None


def idf_for(terms: list[str]) -> tuple[dict[str, float], dict[str, int], int]:
    """idf of the given terms over the indexed profiles, their document frequencies, and
    the number of profiles."""
    total = MatchProfile.objects.count()
    frequencies = dict.fromkeys(terms, 0)
    if terms:
        frequencies.update(MatchTerm.objects.filter(term__in=terms).values_list("term", "df"))
    idf = {t: math.log(1 + (total + 1) / (df + 1)) for t, df in frequencies.items()}
    return idf, frequencies, total


def candidate_keys(a: Profile, idf: dict[str, float], df: dict[str, int], total: int):
    """Thematic keys (fields, areas, complementary competences, distinctive terms) and fit
    keys (countries), each with its weight."""
    thematic: dict[str, float] = {}
    for slug in a.fields:
        thematic[f"f:{slug}"] = 3.0
    for slug in a.areas:
        thematic.setdefault(f"a:{slug}", 1.0)
    for need_prefix, competences in (("o", a.seeks), ("s", a.offers)):
        for field_slug, capability in competences:
            thematic[f"{need_prefix}:{field_slug}:{capability}"] = 3.0
            if field_slug:
                thematic.setdefault(f"{need_prefix}f:{field_slug}", 1.0)
            if capability:
                thematic.setdefault(f"{need_prefix}c:{capability}", 0.5)
    limit = max(MIN_TERM_DF, MAX_TERM_SHARE * total)
    distinctive = sorted(
        (t for t in a.terms if df.get(t, 0) <= limit),
        key=lambda t: (-a.terms[t] * idf[t], t),
    )[:CANDIDATE_TERMS]
    for term in distinctive:
        thematic[f"t:{term}"] = a.terms[term] * idf[term] / 2
    fit: dict[str, float] = {}
    if a.country:
        fit[f"tc:{a.country}"] = 1.0
        fit[f"pc:{a.country}"] = 0.5
    for code in a.target_countries:
        fit[f"c:{code}"] = 0.5
    for slug in a.programmes:
        fit[f"p:{slug}"] = 0.2
    return thematic, fit


def _candidates(
    a: Profile, keys: dict[str, float], *, scope: str, filters: Filters, exclude: set[int]
) -> list[int]:
    if not keys:
        return []
    postings = MatchPosting.objects.filter(key__in=list(keys))
    if a.organisation_id is not None:
        postings = postings.exclude(profile_id=a.organisation_id)
    if exclude:
        postings = postings.exclude(profile_id__in=exclude)
    if scope == Scope.INTERNATIONAL and a.country:
        postings = postings.exclude(profile__country=a.country)
    if filters.country:
        postings = postings.filter(profile__country=filters.country)
    if filters.kind:
        postings = postings.filter(profile__kind=filters.kind)
    for prefix, value in (("st", filters.state), ("p", filters.programme)):
        if value:
            postings = postings.filter(
                profile_id__in=MatchPosting.objects.filter(key=f"{prefix}:{value}").values(
                    "profile_id"
                )
            )
    if filters.field:
        postings = postings.filter(
            profile_id__in=MatchPosting.objects.filter(
                key__in=[f"f:{filters.field}", f"a:{filters.field}"]
            ).values("profile_id")
        )
    weight = Case(
        *[When(key=key, then=Value(w)) for key, w in keys.items()],
        default=Value(0.0),
        output_field=FloatField(),
    )
    rows = (
        postings.values("profile_id")
        .annotate(strength=Sum(weight * F("weight"), output_field=FloatField()))
        .order_by("-strength", "profile_id")
        .values_list("profile_id", flat=True)[:CANDIDATES]
    )
    return list(rows)


def recommend(
    a: Profile,
    *,
    limit: int = 20,
    scope: str = Scope.INTERNATIONAL,
    filters: Filters | None = None,
) -> list[Match]:
    """The best partners for A, best first: candidates from the index (never all pairs),
    each scored in full. `scope` INTERNATIONAL leaves out organisations in A's country."""
    filters = filters or Filters()
    idf, df, total = idf_for(list(a.terms))
    thematic, fit = candidate_keys(a, idf, df, total)
    found = _candidates(a, thematic, scope=scope, filters=filters, exclude=set())
    if len(found) < CANDIDATES:
        found += _candidates(a, fit, scope=scope, filters=filters, exclude=set(found))
    profiles = [
        Profile.from_json(pk, data)
        for pk, data in MatchProfile.objects.filter(pk__in=found).values_list("pk", "data")
    ]
    all_terms = {t for p in profiles for t in p.terms} - idf.keys()
    if all_terms:
        more, _df, _total = idf_for(sorted(all_terms))
        idf.update(more)
    matches = [score(a, b, idf) for b in profiles]
    matches.sort(key=lambda m: (-m.score, m.profile.organisation_id))
    return matches[:limit]
