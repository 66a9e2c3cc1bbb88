import datetime
import re
import xml.etree.ElementTree as ET
import zoneinfo

import pytest
from icalendar import Calendar

from clusterscape.content.models import Status
from clusterscape.registry.models import Field
from clusterscape.registry.tests.factories import OrganisationFactory

from .factories import EventFactory, FundingCallFactory, NewsItemFactory, in_days

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

ATOM = "{http://www.w3.org/2005/Atom}"
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def rss_titles(response) -> list[str]:
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed
    return [item.findtext("title") for item in root.iter("item")]


def atom_titles(response) -> list[str]:
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed
    return [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]


@pytest.fixture
def cluster():
    return OrganisationFactory(slug="photonics", name="Photonics")


def test_news_rss_lists_public_news(client):
    NewsItemFactory(title="Public", slug="public", teaser="Short.")
    NewsItemFactory(title="Draft", status=Status.DRAFT)

    response = client.get("/en/news/feed/rss/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed
    (item,) = root.iter("item")
    assert (item.findtext("title"), item.findtext("link"), item.findtext("description")) == (
        "Public",
        "http://testserver/en/news/public/",
        "Short.",
    )


def test_news_atom_per_organisation(client, cluster):
    NewsItemFactory(title="Ours", organisation=cluster)
    NewsItemFactory(title="Theirs")

    response = client.get("/en/news/feed/atom/organisation/photonics/")

    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert atom_titles(response) == ["Ours"]
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed
    assert root.findtext(f"{ATOM}title") == "News: Photonics – clusterscape"


def test_event_feeds_per_field(client):
    automotive = Field.objects.get(slug="automotive")
    EventFactory(title="Cars").fields.set([automotive])
    EventFactory(title="Other")

    assert rss_titles(client.get("/en/events/feed/rss/field/automotive/")) == ["Cars"]
    assert atom_titles(client.get("/en/events/feed/atom/")) == ["Cars", "Other"]


def test_call_feed_lists_open_calls_only(client):
    FundingCallFactory(title="Open", deadlines=[in_days(10)])
    FundingCallFactory(title="Closed", deadlines=[in_days(-10)])

    assert rss_titles(client.get("/en/funding-calls/feed/rss/")) == ["Open"]
    assert atom_titles(client.get("/de/funding-calls/feed/atom/")) == ["Open"]


def test_feed_of_unknown_organisation_is_not_found(client):
    assert client.get("/en/news/feed/rss/organisation/nobody/").status_code == 404


# iCalendar


def assert_valid_icalendar(data: bytes) -> Calendar:
    """What RFC 5545 asks of what we write: CRLF line ends, lines folded at 75 octets,
    VERSION and PRODID, and per VEVENT a UID, a DTSTAMP in UTC and a DTSTART whose TZID
    has a VTIMEZONE."""
    assert data.endswith(b"\r\n")
    lines = data.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert max(len(line) for line in lines) <= 75
    calendar = Calendar.from_ical(data)
    calendar.validate()
    assert (calendar["VERSION"], str(calendar["PRODID"])) == (
        "2.0",
        "-//clusterscape//content events//EN",
    )
    zones = {str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")}
    uids = []
    for event in calendar.walk("VEVENT"):
        uids.append(str(event["UID"]))
        assert event["DTSTAMP"].dt.utcoffset() == datetime.timedelta(0)
        assert event["DTSTART"].params["TZID"] in zones
        assert event["DTEND"].params["TZID"] in zones
        assert event["DTEND"].dt > event["DTSTART"].dt
    assert len(uids) == len(set(uids))
    assert len(re.findall(rb"\r\nDTSTAMP:\d{8}T\d{6}Z\r\n", data)) == len(uids)
    return calendar


def test_event_calendar_feed_is_valid_icalendar(client):
    EventFactory(
        title="Summit with a very long title that needs folding because it goes on and on " * 2,
        starts_at=datetime.datetime(2030, 3, 4, 9, 0, tzinfo=BERLIN),
        ends_at=datetime.datetime(2030, 3, 5, 17, 0, tzinfo=BERLIN),
        summary="Zwei Tage Vorträge über Photonik, Wasserstoff und Künstliche Intelligenz; " * 3,
    )
    EventFactory(
        title="Webinar",
        time_zone="America/New_York",
        starts_at=datetime.datetime(2030, 7, 1, 15, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2030, 7, 1, 16, 0, tzinfo=datetime.UTC),
        city="",
        online_url="https://example.org/live",
    )

    response = client.get("/en/events/calendar.ics")

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = assert_valid_icalendar(response.content)
    summit, webinar = calendar.walk("VEVENT")
    assert summit["DTSTART"].dt == datetime.datetime(2030, 3, 4, 9, 0, tzinfo=BERLIN)
    assert str(summit["SUMMARY"]).startswith("Summit with a very long title")
    assert (webinar["DTSTART"].params["TZID"], webinar["DTSTART"].dt.hour) == (
        "America/New_York",
        11,
    )
    assert str(webinar["LOCATION"]) == "https://example.org/live"
    assert sorted(str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")) == [
        "America/New_York",
        "Europe/Berlin",
    ]


def test_event_calendar_feeds_per_organisation_and_field(client, cluster):
    EventFactory(title="Ours", organisation=cluster)
    EventFactory(title="Cars").fields.set([Field.objects.get(slug="automotive")])

    ours = assert_valid_icalendar(
        client.get("/en/events/organisation/photonics/calendar.ics").content
    )
    cars = assert_valid_icalendar(client.get("/en/events/field/automotive/calendar.ics").content)

    assert [str(e["SUMMARY"]) for e in ours.walk("VEVENT")] == ["Ours"]
    assert [str(e["SUMMARY"]) for e in cars.walk("VEVENT")] == ["Cars"]


def test_empty_calendar_feed_is_valid(client):
    calendar = assert_valid_icalendar(client.get("/en/events/calendar.ics").content)

    assert calendar.walk("VEVENT") == []
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]


def test_single_event_file_is_valid_icalendar(client):
    event = EventFactory(slug="summit")

    calendar = assert_valid_icalendar(client.get("/en/events/summit/event.ics").content)

    (entry,) = calendar.walk("VEVENT")
    assert str(entry["UID"]) == f"event-{event.pk}@testserver"
    assert str(entry["URL"]) == "http://testserver/en/events/summit/"


def test_sitemap_lists_public_content_in_both_languages(client):
    NewsItemFactory(slug="public-news")
    NewsItemFactory(slug="draft-news", status=Status.DRAFT)

    body = client.get("/sitemap.xml").content.decode()

    assert "<loc>http://testserver/de/news/public-news/</loc>" in body
    assert "<loc>http://testserver/en/news/public-news/</loc>" in body
    assert "<loc>http://testserver/en/funding-calls/</loc>" in body
    assert "draft-news" not in body
