"""Reads of matchmaking: recommendations drawn from the match index."""

import heapq
import math
import threading
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from clusterscape.registry.models import Organisation

from .models import MatchPosting, MatchProfile, MatchTerm
from .profiles import Profile
from .profiles import idf as term_idf
from .scoring import Match, score

CANDIDATES = 100  # drawn from the postings, then scored in full
CANDIDATE_KEYS = 10  # the most specific keys of a profile draw the candidates
MAX_KEY_SHARE = 0.05  # keys held by more than this share of profiles draw none …
MIN_KEY_CAP = 300  # … unless they are held by fewer than this many
PROFILES_KEPT = 5000  # parsed profiles a process keeps (a big brokerage event's worth)

_parsed: dict[int, tuple[object, Profile]] = {}  # pk → (updated_at, profile)
_parsed_lock = threading.Lock()


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
    return Profile.from_json(row.pk, row.data, row.words) if row else None


def indexed_profiles(ids: Collection[int]) -> list[Profile]:
    """The indexed profiles of the given organisations (without their words), in no order.

    Parsing a profile costs more than scoring it, so each process keeps the last
    PROFILES_KEPT it parsed, each with the time it was indexed: only the times are read for
    those, and a profile indexed again since (every index write makes the row anew) is read
    and parsed again."""
    stamps = dict(MatchProfile.objects.filter(pk__in=ids).values_list("pk", "updated_at"))
    with _parsed_lock:
        kept = {pk: _parsed.get(pk) for pk in stamps}
    found = {pk: item[1] for pk, item in kept.items() if item and item[0] == stamps[pk]}
    missing = [pk for pk in stamps if pk not in found]
    if missing:
        rows = MatchProfile.objects.filter(pk__in=missing).values_list("pk", "updated_at", "data")
        parsed = {pk: (stamp, Profile.from_json(pk, data)) for pk, stamp, data in rows}
        with _parsed_lock:
            for pk, item in parsed.items():  # re-read ones move to the end
                _parsed.pop(pk, None)
                _parsed[pk] = item
            if len(_parsed) > PROFILES_KEPT:  # forget the oldest half
                for pk in list(_parsed)[: len(_parsed) - PROFILES_KEPT // 2]:
                    del _parsed[pk]
        found.update((pk, profile) for pk, (_stamp, profile) in parsed.items())
    return list(found.values())


def idf_for(terms: list[str]) -> tuple[dict[str, float], dict[str, int], int]:
    """idf of the given terms over the indexed profiles, their document frequencies, and
    the number of profiles."""
    total = MatchProfile.objects.count()
    frequencies = dict.fromkeys(terms, 0)
    if terms:
        frequencies.update(MatchTerm.objects.filter(term__in=terms).values_list("term", "df"))
    idf = {t: term_idf(df, total) for t, df in frequencies.items()}
    return idf, frequencies, total


def candidate_keys(a: Profile) -> tuple[dict[str, float], dict[str, float]]:
    """Thematic keys (fields, areas, complementary competences, terms) and fit keys
    (countries, programmes), each weighted by its kind and its rarity (idf). Only the most
    specific CANDIDATE_KEYS thematic keys are kept, and none held by very many profiles, so
    the candidate query reads a bounded number of postings."""
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
    for term, weight in a.terms.items():
        thematic[f"t:{term}"] = weight / 2
    fit: dict[str, float] = {}
    if a.country:
        fit[f"tc:{a.country}"] = 1.0
        fit[f"pc:{a.country}"] = 0.5
    for code in a.target_countries:
        fit[f"c:{code}"] = 0.5
    for slug in a.programmes:
        fit[f"p:{slug}"] = 0.2
    total = MatchProfile.objects.count()
    frequencies = dict(
        MatchTerm.objects.filter(term__in=[*thematic, *fit]).values_list("term", "df")
    )
    cap = max(MIN_KEY_CAP, MAX_KEY_SHARE * total)

    def specific(keys: dict[str, float], limit: int) -> dict[str, float]:
        weighted = {
            key: weight * math.log(1 + (total + 1) / (frequencies[key] + 1))
            for key, weight in keys.items()
            if 0 < frequencies.get(key, 0) <= cap
        }
        best = sorted(weighted, key=lambda key: (-weighted[key], key))[:limit]
        return {key: weighted[key] for key in best}

    return specific(thematic, CANDIDATE_KEYS), specific(fit, CANDIDATE_KEYS)


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
        postings = postings.exclude(country=a.country)
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
    strength: dict[int, float] = defaultdict(float)
    for key, profile_id, weight in postings.values_list("key", "profile_id", "weight"):
        strength[profile_id] += keys[key] * weight
    return heapq.nlargest(CANDIDATES, strength, key=lambda pk: (strength[pk], -pk))


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
    thematic, fit = candidate_keys(a)
    found = _candidates(a, thematic, scope=scope, filters=filters, exclude=set())
    if len(found) < CANDIDATES:
        found += _candidates(a, fit, scope=scope, filters=filters, exclude=set(found))
    profiles = indexed_profiles(found)
    idf, _df, _total = idf_for(sorted(a.terms))  # the other sides' lengths are kept
    matches = [score(a, b, idf) for b in profiles]
    matches.sort(key=lambda m: (-m.score, m.profile.organisation_id))
    return matches[:limit]
