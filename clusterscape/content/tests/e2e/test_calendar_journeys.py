"""Browser journeys of the events calendar: the month table and an event page pass axe-core in
German and English, "add to calendar" downloads the event, and filters and month paging work
without JavaScript."""

import datetime
import zoneinfo

import pytest

from clusterscape.content.models import Event
from clusterscape.content.tests.factories import EventFactory
from clusterscape.core.tests.e2e.support import E2E, assert_no_axe_violations, save_screenshot
from clusterscape.registry.models import Country

pytestmark = E2E

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
CAPTIONS = {"de": "Veranstaltungen im März 2030", "en": "Events in March 2030"}
ADD_TO_CALENDAR = {"de": "Zum Kalender hinzufügen (.ics)", "en": "Add to calendar (.ics)"}


@pytest.fixture
def summit() -> dict:
    EventFactory(
        title="Photonics Summit",
        slug="photonics-summit",
        kind=Event.Kind.CONFERENCE,
        summary="Two days of talks and matchmaking on optics and photonics.",
        starts_at=datetime.datetime(2030, 3, 4, 9, 0, tzinfo=BERLIN),
        ends_at=datetime.datetime(2030, 3, 5, 17, 0, tzinfo=BERLIN),
        venue="Volkshaus",
        city="Jena",
        country=Country.objects.get(code="DE"),
        registration_url="https://example.org/register",
    )
    EventFactory(
        title="Hydrogen webinar",
        slug="hydrogen-webinar",
        kind=Event.Kind.WEBINAR,
        starts_at=datetime.datetime(2030, 3, 12, 15, 0, tzinfo=BERLIN),
        ends_at=datetime.datetime(2030, 3, 12, 16, 0, tzinfo=BERLIN),
        city="",
        online_url="https://example.org/live",
    )
    return {"slug": "photonics-summit", "title": "Photonics Summit"}


@pytest.mark.parametrize("lang", ["de", "en"])
def test_calendar_and_event_page_pass_axe(summit, page, lang):
    page.goto(f"/{lang}/events/calendar/?month=2030-03")

    assert page.locator("table.month-calendar caption").inner_text() == CAPTIONS[lang]
    summit_links = page.get_by_role("link", name=summit["title"])
    assert summit_links.count() == 2  # on the 4th and the 5th
    assert_no_axe_violations(page)
    save_screenshot(page, f"events-calendar-{lang}")

    summit_links.first.click()
    page.wait_for_url(f"**/{lang}/events/{summit['slug']}/")
    assert page.locator("h1").inner_text() == summit["title"]
    assert_no_axe_violations(page)
    save_screenshot(page, f"event-{lang}")

    with page.expect_download() as download:
        page.get_by_role("link", name=ADD_TO_CALENDAR[lang]).click()
    assert download.value.suggested_filename == "photonics-summit.ics"
    with open(download.value.path(), "rb") as ics:
        assert b"SUMMARY:Photonics Summit\r\n" in ics.read()


def test_calendar_filters_and_pages_without_javascript(summit, page_without_js):
    page = page_without_js
    page.goto("/en/events/calendar/?month=2030-03")

    page.select_option("#id_kind", "webinar")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**kind=webinar**")  # the form's GET, answered, before counting

    assert page.get_by_role("link", name="Hydrogen webinar").count() == 1
    assert page.get_by_role("link", name=summit["title"]).count() == 0
    page.get_by_role("link", name="Next month").click()
    page.get_by_text("Events in April 2030").wait_for()
    assert "kind=webinar" in page.url
    page.get_by_role("link", name="List").click()
    page.get_by_role("heading", name="Events", exact=True, level=1).wait_for()
    assert "kind=webinar" in page.url
