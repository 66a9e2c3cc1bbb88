"""Reusable read querysets of the registry."""

from django.db.models import Count, Prefetch, Q, QuerySet

from .models import Country, Organisation, ProgrammeMembership, State


def published_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(status=Organisation.Status.PUBLISHED)


def published_organisations_for_listing() -> QuerySet[Organisation]:
    """Published organisations with what a list row shows, in a fixed number of queries."""
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
        "competences__field",
        "competences__capability",
        "partner_links_out__target",
        "partner_links_in__source",
    )


def landscape_figures() -> dict[str, int]:
    """Headline figures over the published organisations."""
    published = published_organisations()
    return published.aggregate(
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


def organisations_in_state(state: State) -> QuerySet[Organisation]:
    return published_organisations_for_listing().filter(states=state)


def countries_with_organisations() -> QuerySet[Country]:
    return Country.objects.filter(organisations__status=Organisation.Status.PUBLISHED).distinct()
