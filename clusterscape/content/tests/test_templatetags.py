import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusterscape.content.models import Status
from clusterscape.registry.tests.factories import OrganisationFactory

from .factories import (
    EventFactory,
    FundingCallFactory,
    NewsItemFactory,
    ProjectFactory,
    ProjectPartnerFactory,
    in_days,
)

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def section(page: str, heading_id: str) -> list[str]:
    """Link texts of the section whose heading has the id."""
    match = re.search(rf'<h3 id="{heading_id}">.*?</section>', page, re.S)
    return re.findall(r'lang="\w\w">([^<]+)</a>', match.group(0)) if match else []


def test_home_shows_latest_news_next_events_and_calls_closing_soon(client):
    for number in range(4):
        # 10:00 Berlin a day or more ago: in the past at any hour the suite runs
        NewsItemFactory(title=f"News {number}", publish_at=in_days(-number - 1))
    EventFactory(title="Later event", starts_at=in_days(20), ends_at=in_days(21))
    EventFactory(title="Next event", starts_at=in_days(2), ends_at=in_days(2, 18))
    EventFactory(title="Past event", starts_at=in_days(-9), ends_at=in_days(-8))
    FundingCallFactory(title="Soon", deadlines=[in_days(4)])
    FundingCallFactory(title="Far", deadlines=[in_days(90)])

    page = client.get("/en/").content.decode()

    assert section(page, "home-news") == ["News 0", "News 1", "News 2"]
    assert section(page, "home-events") == ["Next event", "Later event"]
    assert section(page, "home-calls") == ["Soon"]


def test_home_invites_organisations_when_nothing_is_published(client):
    page = client.get("/en/").content.decode()

    assert "No news yet." in page
    assert '<a href="/en/my/content/">Sign in and write a draft</a>' in page


@pytest.mark.parametrize("count", [1, 3])
def test_home_content_takes_four_queries(count):
    """News, the longest event (the bound of upcoming events), events, calls: not one more
    per item."""
    from django.template import Context, Template

    for _ in range(count):
        NewsItemFactory()
        EventFactory()
        FundingCallFactory(deadlines=[in_days(3)])
    template = Template("{% load content %}{% home_content %}")

    with CaptureQueriesContext(connection) as captured:
        html = template.render(Context({}))

    assert len(captured) == 4
    assert html.count('class="content-card"') == 3 * count


def test_profile_lists_the_organisations_news_events_and_projects(client):
    cluster = OrganisationFactory(slug="photonics", name="Photonics")
    NewsItemFactory(title="Our news", organisation=cluster)
    NewsItemFactory(title="Draft news", organisation=cluster, status=Status.DRAFT)
    NewsItemFactory(title="Other news")
    EventFactory(title="Our event", organisation=cluster)
    ProjectFactory(title="Led project", organisation=cluster)
    ProjectPartnerFactory(project=ProjectFactory(title="Partner project"), organisation=cluster)

    page = client.get("/en/clusters/photonics/").content.decode()

    assert section(page, "organisation-news") == ["Our news"]
    assert section(page, "organisation-events") == ["Our event"]
    assert sorted(section(page, "organisation-projects")) == ["Led project", "Partner project"]
    assert 'href="/en/events/organisation/photonics/calendar.ics"' in page


def test_profile_without_content_shows_no_empty_section(client):
    OrganisationFactory(slug="quiet")

    page = client.get("/en/clusters/quiet/").content.decode()

    assert 'id="publications"' not in page
