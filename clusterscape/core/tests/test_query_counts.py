"""Every list page and API list answers in a fixed number of queries: the same with one
organisation as with three (no N+1), and exactly the number below, so a new query on a list
is a decision, not an accident."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusterscape.registry.models import Capability, Competence, Field, State
from clusterscape.registry.tests.factories import (
    OrganisationFactory,
    ProgrammeFactory,
    ProgrammeMembershipFactory,
    SourceFactory,
)
from clusterscape.search.services import index_organisation

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

# path -> queries it takes, with 1 and with 3 organisations
LIST_PAGES = {
    "/en/": 12,  # with the bound of the upcoming events (the longest event)
    "/en/clusters/": 3,
    "/en/clusters/?view=map": 3,
    # the page, the total and the facet counts in one statement
    # (search.queries._ranked_page_with_counts); sorted by relevance, the matches in the
    # index's sample are counted first (is the search broad?)
    "/en/clusters/?q=automotive&state=DE-BW&sort=name": 4,
    "/en/clusters/map.json": 2,
    "/en/states/": 1,
    "/en/states/baden-wuerttemberg/": 7,
    "/en/fields/": 3,
    "/en/fields/mobility/": 8,
    "/en/fields/automotive/": 7,
    "/en/programmes/": 1,
    "/en/programmes/leading-edge/": 4,
    "/en/about/data/": 8,  # the gaps counted in one pass, one of them named
    "/en/search/?q=automotive": 4,
    "/api/v1/search?q=automotive": 4,
    # the names of the reference data (once per state of the data: the filter's known
    # values and the facets' labels read them), the kept facet counts (the total, the
    # state's own counts), the page, the other facets' counts
    "/api/v1/search?state=DE-BW&page_size=50": 4,
    "/en/clusters/?state=DE-BW": 4,
    "/en/clusters/?state=DE-BW&kind=cluster&sort=name": 4,
}


def landscape(count: int) -> None:
    """`count` published organisations with everything a list row shows."""
    programme = ProgrammeFactory(slug="leading-edge")
    state = State.objects.get(code="DE-BW")
    automotive = Field.objects.get(slug="automotive")
    research = Capability.objects.get(slug="research")
    for number in range(count):
        organisation = OrganisationFactory(
            name=f"Automotive Cluster {number}", city="Stuttgart", latitude=48.8, longitude=9.2
        )
        organisation.states.add(state)
        organisation.fields.add(automotive)
        Competence.objects.create(
            organisation=organisation,
            direction=Competence.Direction.OFFERS,
            field=automotive,
            capability=research,
        )
        ProgrammeMembershipFactory(organisation=organisation, programme=programme, year=2012)
        SourceFactory(organisation=organisation)
        index_organisation(organisation)


def queries_for(client, path: str) -> int:
    cache.clear()
    client.get(path)  # first request: one-off lookups of the process (e.g. content types)
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


@pytest.mark.parametrize("path", LIST_PAGES)
@pytest.mark.parametrize("count", [1, 3])
def test_list_answers_in_a_fixed_number_of_queries(client, path, count):
    landscape(count)

    assert queries_for(client, path) == LIST_PAGES[path]


# API lists of content: path -> queries, with 1 and with 3 items of each kind
# each list reads its last change for Last-Modified once (calls: and their deadlines' too)
CONTENT_LISTS = {
    "/api/v1/news": 4,
    "/api/v1/news?field=health&language=en&country=DE": 6,
    "/api/v1/news?q=laser": 7,
    "/api/v1/events": 4,
    "/api/v1/events?date_from=2020-01-01&kind=conference": 4,
    "/api/v1/funding-calls?state=open": 7,
    "/api/v1/funding-calls": 7,
    "/api/v1/projects": 8,
    "/api/v1/projects?country=FR&fields=slug,partners": 9,
}


def content_landscape(count: int) -> None:
    """`count` public items of each kind, with the relations their records show."""
    from clusterscape.content.services import sync_index
    from clusterscape.content.tests.factories import (
        EventFactory,
        FundingCallFactory,
        NewsItemFactory,
        ProjectFactory,
        ProjectPartnerFactory,
        in_days,
    )
    from clusterscape.registry.models import Country

    biotechnology = Field.objects.get(slug="biotechnology")
    france = Country.objects.get(code="FR")
    for number in range(count):
        organisation = OrganisationFactory(country_id="DE")
        news = NewsItemFactory(organisation=organisation, title=f"Laser news {number}")
        event = EventFactory(organisation=organisation, organiser=organisation, country=france)
        call = FundingCallFactory(organisation=organisation, deadlines=[in_days(5), in_days(9)])
        call.eligible_countries.add(france)
        project = ProjectFactory(organisation=organisation)
        project.countries.add(france)
        ProjectPartnerFactory(project=project, organisation=organisation, country=france)
        for item in (news, event, call, project):
            item.fields.add(biotechnology)
            sync_index(item)


@pytest.mark.parametrize("path", CONTENT_LISTS)
@pytest.mark.parametrize("count", [1, 3])
def test_content_list_answers_in_a_fixed_number_of_queries(client, path, count):
    content_landscape(count)

    assert queries_for(client, path) == CONTENT_LISTS[path]
