"""Reusable read querysets of the registry."""

import datetime
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import ngettext_lazy

from clusterscape.core.i18n import current_language

from .models import (
    Country,
    Field,
    Organisation,
    PartnerLink,
    Programme,
    ProgrammeMembership,
    Source,
    State,
)

PUBLISHED = Organisation.Status.PUBLISHED


def published_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(status=PUBLISHED)


def published_organisations_for_listing() -> QuerySet[Organisation]:
    """Published organisations with what a list row or a map marker shows, in a fixed
    number of queries."""
    return (
        published_organisations()
        .select_related("country")
        .prefetch_related(
            "states",
            "fields",
            Prefetch(
                "memberships",
                queryset=ProgrammeMembership.objects.select_related("programme"),
            ),
        )
        .order_by("name", "pk")
    )


def published_organisations_for_detail() -> QuerySet[Organisation]:
    return published_organisations_for_listing().prefetch_related(
        "additional_countries",
        "target_countries",
        "partner_countries",
        "sources",
        "fields__parent",
        "competences__field",
        "competences__capability",
        Prefetch(
            "partner_links_out",
            queryset=PartnerLink.objects.filter(target__status=PUBLISHED).select_related("target"),
        ),
        Prefetch(
            "partner_links_in",
            queryset=PartnerLink.objects.filter(source__status=PUBLISHED).select_related("source"),
        ),
    )


def landscape_figures(organisations: QuerySet[Organisation] | None = None) -> dict[str, int]:
    """Headline figures over published organisations (all, or the given subset)."""
    organisations = organisations if organisations is not None else published_organisations()
    ids = organisations.values("pk")
    figures = Organisation.objects.filter(pk__in=ids).aggregate(
        organisations=Count("pk", distinct=True),
        german=Count("pk", filter=Q(country_id="DE"), distinct=True),
        international=Count("pk", filter=~Q(country_id="DE"), distinct=True),
        countries=Count("country", distinct=True),
        leading_edge=Count(
            "pk", filter=Q(memberships__programme__slug="spitzencluster"), distinct=True
        ),
        internationalisation=Count(
            "pk", filter=Q(memberships__programme__slug="interspin"), distinct=True
        ),
    )
    figures["partner_countries"] = (
        Country.objects.filter(partnered_by__in=ids).exclude(code="DE").distinct().count()
    )
    return figures


KIND_COUNTS = {
    Organisation.Kind.CLUSTER: ngettext_lazy("%(count)s cluster", "%(count)s clusters", "count"),
    Organisation.Kind.NETWORK: ngettext_lazy("%(count)s network", "%(count)s networks", "count"),
    Organisation.Kind.INNOVATION_REGION: ngettext_lazy(
        "%(count)s innovation region", "%(count)s innovation regions", "count"
    ),
    Organisation.Kind.CLUSTER_ASSOCIATION: ngettext_lazy(
        "%(count)s cluster association", "%(count)s cluster associations", "count"
    ),
    Organisation.Kind.INTERNATIONAL_PARTNER: ngettext_lazy(
        "%(count)s international partner", "%(count)s international partners", "count"
    ),
}


def organisations_by_kind() -> list[str]:
    """ "161 clusters", "8 networks", ... for the kinds that have published organisations."""
    counts = dict(published_organisations().values_list("kind").annotate(n=Count("pk")).order_by())
    return [
        KIND_COUNTS[kind] % {"count": counts[kind]}
        for kind in Organisation.Kind.values
        if kind in counts
    ]


class Tally(NamedTuple):
    """One bar of a chart: a label, a count and where to read more."""

    label: str
    count: int
    url: str = ""


def states_with_counts() -> list[tuple[State, int]]:
    states = State.objects.annotate(
        n=Count("organisations", filter=Q(organisations__status=PUBLISHED), distinct=True)
    ).order_by("-n", "name_de")
    return [(state, state.n) for state in states]


def areas_with_counts() -> list[tuple[Field, int]]:
    """Top-level areas with the number of published organisations in the area or any of its
    fields (each organisation counted once per area)."""
    members: dict[int, set[int]] = {}
    rows = published_organisations().filter(fields__isnull=False)
    for organisation_id, field_id, parent_id in rows.values_list(
        "pk", "fields__id", "fields__parent_id"
    ):
        members.setdefault(parent_id or field_id, set()).add(organisation_id)
    areas = Field.objects.filter(parent__isnull=True).order_by("position")
    return [(area, len(members.get(area.pk, ()))) for area in areas]


def fields_with_counts(area: Field | None = None) -> list[tuple[Field, int]]:
    fields = Field.objects.select_related("parent").annotate(
        n=Count("organisations", filter=Q(organisations__status=PUBLISHED), distinct=True)
    )
    if area is not None:
        fields = fields.filter(parent=area)
    return [(field, field.n) for field in fields.order_by("position")]


def organisations_last_changed() -> datetime.datetime | None:
    """When an organisation last changed (for Last-Modified of the published ones): any
    organisation, so that unpublishing or archiving one (a write to a row that then leaves
    the published set) counts too."""
    return Organisation.objects.aggregate(latest=Max("updated_at"))["latest"]


def countries_with_counts() -> list[tuple[Country, int]]:
    """Countries with the number of published organisations based there, most first."""
    countries = (
        Country.objects.annotate(
            n=Count("organisations", filter=Q(organisations__status=PUBLISHED), distinct=True)
        )
        .filter(n__gt=0)
        .order_by("-n", "code")
    )
    return [(country, country.n) for country in countries]


APPROXIMATE_PRECISIONS = ("state", "country")


def map_places(ids: list[int] | None = None) -> list[tuple]:
    """Map markers of published organisations (all, or the given ids in their order):
    (latitude, longitude, approximate, display name, slug, place in words). Where an
    organisation has no coordinates, the centre of its first German state or of its country
    stands in, marked approximate; organisations with neither are left out. Built from value
    rows in three queries, so 20,000 organisations take a fraction of a second."""
    rows = published_organisations()
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    german = current_language() == "de"
    country_name = "country__name_de" if german else "country__name_en"
    values = list(
        rows.values_list(
            "pk",
            "slug",
            "name",
            "short_name",
            "city",
            "latitude",
            "longitude",
            "location_precision",
            country_name,
            "country__centre_latitude",
            "country__centre_longitude",
        ).order_by("name", "pk")
    )
    states: dict[int, list[tuple]] = {}
    through = Organisation.states.through.objects.filter(
        organisation_id__in=[row[0] for row in values] if ids is not None else rows.values("pk")
    )
    state_name = "state__name_de" if german else "state__name_en"
    for organisation_id, name, latitude, longitude in through.values_list(
        "organisation_id", state_name, "state__centre_latitude", "state__centre_longitude"
    ).order_by("state_id"):
        states.setdefault(organisation_id, []).append((name, latitude, longitude))
    places = {}
    for (
        pk,
        slug,
        name,
        short_name,
        city,
        latitude,
        longitude,
        precision,
        country,
        country_latitude,
        country_longitude,
    ) in values:
        own_states = states.get(pk, [])
        approximate = precision in APPROXIMATE_PRECISIONS
        if latitude is None or longitude is None:
            centres = [(lat, lon) for _n, lat, lon in own_states if lat is not None]
            centres.append((country_latitude, country_longitude))
            latitude, longitude = centres[0]
            approximate = True
        if latitude is None or longitude is None:
            continue
        display = (
            f"{name} ({short_name})"
            if short_name and short_name.lower() not in name.lower()
            else name
        )
        where = city or ", ".join(n for n, _lat, _lon in own_states) or country
        places[pk] = (latitude, longitude, int(approximate), display, slug, where)
    order = ids if ids is not None else [row[0] for row in values]
    return [places[pk] for pk in order if pk in places]


def programmes_with_counts() -> list[tuple[Programme, int]]:
    programmes = Programme.objects.select_related("country", "state").annotate(
        n=Count(
            "memberships__organisation",
            filter=Q(memberships__organisation__status=PUBLISHED),
            distinct=True,
        )
    )
    return [(programme, programme.n) for programme in programmes.order_by("position", "slug")]


def organisations_in_state(state: State) -> QuerySet[Organisation]:
    return published_organisations_for_listing().filter(states=state)


def organisations_in_field(field: Field) -> QuerySet[Organisation]:
    """Organisations of a field, or of an area and every field in it."""
    if field.parent_id is None:
        matching = Q(fields=field) | Q(fields__parent=field)
    else:
        matching = Q(fields=field)
    ids = published_organisations().filter(matching).values("pk")
    return published_organisations_for_listing().filter(pk__in=ids)


def programme_rounds(programme: Programme) -> list[tuple[int | None, list[Organisation]]]:
    """A programme's members grouped by year (rounds), years ascending, unknown year last."""
    memberships = (
        ProgrammeMembership.objects.filter(programme=programme, organisation__status=PUBLISHED)
        .select_related("organisation__country")
        .prefetch_related("organisation__partner_countries", "organisation__states")
        .order_by("year", "organisation__name")
    )
    rounds: dict[int | None, list[Organisation]] = {}
    for membership in memberships:
        rounds.setdefault(membership.year, []).append(membership.organisation)
    # a member listed with a year and without one appears only under its year
    dated = {o.pk for year, members in rounds.items() if year is not None for o in members}
    if None in rounds:
        rounds[None] = [o for o in rounds[None] if o.pk not in dated]
        if not rounds[None]:
            del rounds[None]
    return sorted(rounds.items(), key=lambda item: (item[0] is None, item[0] or 0))


def partners_of(organisation: Organisation) -> list[tuple[Organisation, PartnerLink]]:
    """Published partner organisations from links in either direction (prefetched)."""
    partners = [(link.target, link) for link in organisation.partner_links_out.all()]
    partners += [(link.source, link) for link in organisation.partner_links_in.all()]
    return sorted(partners, key=lambda item: item[0].name)


def countries_with_organisations() -> QuerySet[Country]:
    return Country.objects.filter(organisations__status=PUBLISHED).distinct()


@dataclass
class Coverage:
    """How complete the published registry is: counts by dimension, and how many
    organisations lack each of GAPS (`missing`; which ones: `organisations_lacking`)."""

    total: int
    german: int
    international: int
    by_state: list[tuple[State, int]]
    by_country: list[tuple[Country, int]]
    by_kind: list[tuple[str, int]]
    by_programme: list[tuple[Programme, int]]
    missing: dict[str, int]


# What a published organisation may lack, as a condition on it.
GAPS = {
    "city": Q(city=""),
    "website": Q(website=""),
    "field": ~Q(Exists(Organisation.fields.through.objects.filter(organisation=OuterRef("pk")))),
    "source": ~Q(Exists(Source.objects.filter(organisation=OuterRef("pk")))),
    "coordinates": Q(latitude__isnull=True),
}


def data_coverage() -> Coverage:
    published = published_organisations()
    countries = Country.objects.annotate(
        n=Count("organisations", filter=Q(organisations__status=PUBLISHED))
    ).filter(n__gt=0)
    kinds = dict(published.values_list("kind").annotate(n=Count("pk")).order_by())
    figures = landscape_figures()
    return Coverage(
        total=figures["organisations"],
        german=figures["german"],
        international=figures["international"],
        by_state=states_with_counts(),
        by_country=[(country, country.n) for country in countries.order_by("-n", "name_en")],
        by_kind=[
            (label, kinds[kind]) for kind, label in Organisation.Kind.choices if kind in kinds
        ],
        by_programme=programmes_with_counts(),
        # one pass over the organisations for every gap
        missing=published.aggregate(
            **{gap: Count("pk", filter=condition) for gap, condition in GAPS.items()}
        ),
    )


def organisations_lacking(gap: str) -> QuerySet[Organisation]:
    """The published organisations that lack one of GAPS, by name (slug, names only)."""
    return (
        published_organisations()
        .filter(GAPS[gap])
        .only("slug", "name", "short_name")
        .order_by("name")
    )


def merged_organisation_target(slug: str) -> Organisation | None:
    """The published organisation that the one with this slug was merged into, if any."""
    return published_organisations().filter(merged_from__slug=slug).only("slug").first()
