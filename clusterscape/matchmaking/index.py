"""Every write to the match index.

The registry calls `index_match_profile` inside the transaction that writes an
organisation, so the index never lags behind; `rebuild_match_index` makes it again from the
database (`manage.py rebuild_match_index`). Only published organisations are indexed.
"""

from collections import Counter
from collections.abc import Iterator

from django.db import connection, transaction
from django.db.models import Prefetch, QuerySet

from clusterscape.registry.models import Competence, Field, Organisation, ProgrammeMembership

from .models import MatchProfile
from .profiles import Profile, organisation_profile

REBUILD_CHUNK = 500


def organisations_for_match() -> QuerySet[Organisation]:
    """Published organisations with every relation a profile needs, in a fixed number of
    queries."""
    return Organisation.objects.filter(status=Organisation.Status.PUBLISHED).prefetch_related(
        Prefetch("fields", queryset=Field.objects.select_related("parent")),
        Prefetch("competences", queryset=Competence.objects.select_related("field", "capability")),
        "target_countries",
        "partner_countries",
        "states",
        Prefetch("memberships", queryset=ProgrammeMembership.objects.select_related("programme")),
    )


def index_match_profile(organisation: Organisation) -> MatchProfile | None:
    """Bring the match index in line with an organisation as stored: its profile and postings
    when published, nothing otherwise. Call it inside the transaction that wrote it."""
    with transaction.atomic():
        old = MatchProfile.objects.filter(pk=organisation.pk).values_list("data", flat=True)
        for data in old:
            _add_to_frequencies(Counter(dict.fromkeys(data["terms"], -1)))
        MatchProfile.objects.filter(pk=organisation.pk).delete()
        stored = organisations_for_match().filter(pk=organisation.pk).first()
        if stored is None:
            return None
        return _store([organisation_profile(stored)])[0]


def _store(profiles: list[Profile]) -> list[MatchProfile]:
    rows = MatchProfile.objects.bulk_create(
        [
            MatchProfile(
                organisation_id=profile.organisation_id,
                country=profile.country,
                kind=profile.kind,
                data=profile.to_json(),
            )
            for profile in profiles
        ]
    )
    postings = [
        (key, profile.organisation_id, weight)
        for profile in profiles
        for key, weight in profile.postings()
    ]
    _add_to_frequencies(Counter(term for profile in profiles for term in profile.terms))
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO matchmaking_matchposting (key, profile_id, weight) VALUES (%s, %s, %s)",
            postings,
        )
    return rows


def _add_to_frequencies(changes: Counter) -> None:
    rows = [(term[:120], change) for term, change in changes.items() if change]
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO matchmaking_matchterm (term, df) VALUES (%s, %s) "
            "ON CONFLICT (term) DO UPDATE SET df = matchmaking_matchterm.df + excluded.df",
            rows,
        )


def rebuild_match_index() -> int:
    """Make the whole match index again from the database; returns the number of profiles."""
    count = 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM matchmaking_matchposting")
            cursor.execute("DELETE FROM matchmaking_matchprofile")
            cursor.execute("DELETE FROM matchmaking_matchterm")
        for chunk in _chunks(organisations_for_match().order_by("pk")):
            count += len(_store([organisation_profile(o) for o in chunk]))
    return count


def _chunks(queryset: QuerySet[Organisation]) -> Iterator[list[Organisation]]:
    chunk = []
    for organisation in queryset.iterator(chunk_size=REBUILD_CHUNK):
        chunk.append(organisation)
        if len(chunk) == REBUILD_CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
