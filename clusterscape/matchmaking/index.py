"""Every write to the match index.

The registry calls `index_match_profile` inside the transaction that writes an
organisation, so the index never lags behind; `rebuild_match_index` makes it again from the
database (`manage.py rebuild_match_index`). Only published organisations are indexed.
"""

import math
from collections import Counter

from django.db import connection, transaction

from clusterscape.registry.models import Organisation

from .models import MatchProfile, MatchTerm
from .profiles import Profile, idf, organisation_profiles

REBUILD_CHUNK = 500
TERM_CHUNK = 500


def index_match_profile(organisation: Organisation) -> MatchProfile | None:
    """Bring the match index in line with an organisation as stored: its profile and postings
    when published, nothing otherwise. Call it inside the transaction that wrote it."""
    with transaction.atomic():
        old = MatchProfile.objects.filter(pk=organisation.pk).values_list("data", flat=True)
        for data in old:
            _add_to_frequencies(_frequency_keys(Profile.from_json(organisation.pk, data)), -1)
        MatchProfile.objects.filter(pk=organisation.pk).delete()
        profiles = organisation_profiles([organisation.pk])
        return _store(profiles)[0] if profiles else None


def _frequency_keys(profile: Profile) -> Counter:
    """What MatchTerm counts of a profile: its terms, and its posting keys."""
    keys = Counter(profile.terms.keys())
    keys.update(key for key, _weight in profile.postings())
    return keys


def _set_norms(profiles: list[Profile]) -> None:
    """Each profile's idf-weighted vector length, with the term frequencies as they are."""
    terms = sorted({term for profile in profiles for term in profile.terms})
    total = MatchProfile.objects.count() + len(profiles)
    frequencies: dict[str, int] = {}
    for start in range(0, len(terms), TERM_CHUNK):
        frequencies.update(
            MatchTerm.objects.filter(term__in=terms[start : start + TERM_CHUNK]).values_list(
                "term", "df"
            )
        )
    for profile in profiles:
        profile.term_norm = round(
            math.sqrt(
                sum(
                    (weight * idf(frequencies.get(term, 0), total)) ** 2
                    for term, weight in profile.terms.items()
                )
            ),
            6,
        )


def _store(profiles: list[Profile], *, counted: bool = False) -> list[MatchProfile]:
    """Write profiles and their postings; unless `counted`, add them to the frequencies and
    set their vector lengths first."""
    if not counted:
        frequencies: Counter = Counter()
        for profile in profiles:
            frequencies.update(_frequency_keys(profile))
        _add_to_frequencies(frequencies)
        _set_norms(profiles)
    rows = MatchProfile.objects.bulk_create(
        [
            MatchProfile(
                organisation_id=profile.organisation_id,
                country=profile.country,
                kind=profile.kind,
                data=profile.to_json(),
                words=profile.words,
            )
            for profile in profiles
        ]
    )
    postings = [
        (key, profile.organisation_id, weight, profile.country)
        for profile in profiles
        for key, weight in profile.postings()
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO matchmaking_matchposting (key, profile_id, weight, country) "
            "VALUES (%s, %s, %s, %s)",
            postings,
        )
    return rows


def _add_to_frequencies(changes: Counter, sign: int = 1) -> None:
    rows = [(term[:120], sign * change) for term, change in changes.items() if change]
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO matchmaking_matchterm (term, df) VALUES (%s, %s) "
            "ON CONFLICT (term) DO UPDATE SET df = matchmaking_matchterm.df + excluded.df",
            rows,
        )


def rebuild_match_index() -> int:
    """Make the whole match index again from the database; returns the number of profiles.

    Every profile is made first, then the term frequencies are counted, so each profile's
    vector length uses the frequencies of the whole index."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM matchmaking_matchposting")
            cursor.execute("DELETE FROM matchmaking_matchprofile")
            cursor.execute("DELETE FROM matchmaking_matchterm")
        ids = list(
            Organisation.objects.filter(status=Organisation.Status.PUBLISHED)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        profiles = []
        for start in range(0, len(ids), REBUILD_CHUNK):
            profiles.extend(organisation_profiles(ids[start : start + REBUILD_CHUNK]))
        frequencies: Counter = Counter()
        for profile in profiles:
            frequencies.update(_frequency_keys(profile))
        _add_to_frequencies(frequencies)
        total = len(profiles) or 1
        for profile in profiles:
            profile.term_norm = round(
                math.sqrt(
                    sum(
                        (weight * idf(frequencies[term], total)) ** 2
                        for term, weight in profile.terms.items()
                    )
                ),
                6,
            )
        for start in range(0, len(profiles), REBUILD_CHUNK):
            _store(profiles[start : start + REBUILD_CHUNK], counted=True)
    return len(profiles)
