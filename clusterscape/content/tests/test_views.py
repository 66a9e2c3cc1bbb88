import datetime
import re
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clusterscape.content.models import Event, Status
from clusterscape.registry.models import Country, Field
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

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def titles(response) -> list[str]:
    return re.findall(r'class="hit-title"><a href="[^"]+" lang="\w\w">([^<]+)</a>', text(response))


def make(factory, count: int, **kwargs) -> None:
    for _ in range(count):
        item = factory(**kwargs)
        item.fields.set([Field.objects.get(slug="automotive")])


# News


def test_news_list_shows_public_news_newest_first(client):
    NewsItemFactory(title="Older", publish_at=timezone.now() - datetime.timedelta(days=2))
    NewsItemFactory(title="Newer")
    NewsItemFactory(title="Draft", status=Status.DRAFT)
    NewsItemFactory(title="Scheduled", publish_at=timezone.now() + datetime.timedelta(days=1))
    NewsItemFactory(title="Archived", status=Status.ARCHIVED)

    response = client.get("/en/news/")

    assert response.status_code == 200
    assert titles(response) == ["Newer", "Older"]


def test_news_list_filters_by_field(client):
    item = NewsItemFactory(title="Cars")
    item.fields.set([Field.objects.get(slug="automotive")])
    NewsItemFactory(title="Other")

    response = client.get("/en/news/?field=automotive")

    assert titles(response) == ["Cars"]


def test_empty_news_list_invites_organisations_to_publish(client):
    response = client.get("/de/news/")

    assert response.status_code == 200
    assert "<strong>Es sind noch keine Neuigkeiten veröffentlicht.</strong>" in text(response)
    assert '<a href="/de/my/content/">Anmelden und einen Entwurf schreiben</a>' in text(response)


@pytest.mark.parametrize("url", ["/en/news/", "/en/projects/", "/en/events/", "/en/funding-calls/"])
def test_list_pages_take_the_same_queries_for_one_and_three_items(client, url):
    factory = {
        "/en/news/": NewsItemFactory,
        "/en/projects/": ProjectFactory,
        "/en/events/": EventFactory,
        "/en/funding-calls/": FundingCallFactory,
    }[url]
    make(factory, 1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    make(factory, 2)
    with CaptureQueriesContext(connection) as three:
        response = client.get(url)

    assert len(titles(response)) >= 3
    assert len(three) == len(one)


def test_calendar_and_archive_take_the_same_queries_for_one_and_three_items(client):
    month = timezone.localdate().strftime("%Y-%m")
    make(EventFactory, 1, starts_at=in_days(0, 23), ends_at=in_days(0, 23))
    make(FundingCallFactory, 1, deadlines=[in_days(-3)])
    with CaptureQueriesContext(connection) as one:
        client.get(f"/en/events/calendar/?month={month}")
        client.get("/en/funding-calls/archive/")
    make(EventFactory, 2, starts_at=in_days(0, 23), ends_at=in_days(0, 23))
    make(FundingCallFactory, 2, deadlines=[in_days(-3)])
    with CaptureQueriesContext(connection) as three:
        calendar = client.get(f"/en/events/calendar/?month={month}")
        archive = client.get("/en/funding-calls/archive/")

    assert text(calendar).count('href="/en/events/event-') == 3
    assert len(titles(archive)) == 3
    assert len(three) == len(one)


def test_news_detail_shows_sanitised_body_and_translations(client):
    english = NewsItemFactory(title="Laser week", slug="laser-week", body="<p>Hello</p>")
    NewsItemFactory(
        title="Laserwoche",
        slug="laserwoche",
        language="de",
        translation_key=english.translation_key,
    )

    response = client.get("/en/news/laser-week/")

    assert response.status_code == 200
    assert '<div class="rich-text"><p>Hello</p></div>' in text(response)
    assert '<a href="/en/news/laserwoche/" hreflang="de" lang="de">Laserwoche</a>' in text(response)


def test_unpublished_news_detail_is_not_found(client):
    NewsItemFactory(slug="draft", status=Status.DRAFT)

    assert client.get("/en/news/draft/").status_code == 404


# Events


def test_event_list_filters_by_country_and_kind(client):
    EventFactory(
        title="Paris fair", kind=Event.Kind.TRADE_FAIR, country=Country.objects.get(code="FR")
    )
    EventFactory(title="Berlin talk", country=Country.objects.get(code="DE"))
    EventFactory(title="Past", starts_at=in_days(-5), ends_at=in_days(-5, 12))

    assert titles(client.get("/en/events/")) == ["Paris fair", "Berlin talk"]
    assert titles(client.get("/en/events/?country=FR")) == ["Paris fair"]
    assert titles(client.get("/en/events/?kind=conference")) == ["Berlin talk"]


def test_calendar_month_is_a_table_with_events_on_their_local_days(client):
    EventFactory(
        title="Two-day summit",
        slug="summit",
        starts_at=datetime.datetime(2030, 3, 4, 9, 0, tzinfo=BERLIN),
        ends_at=datetime.datetime(2030, 3, 5, 17, 0, tzinfo=BERLIN),
    )

    response = client.get("/en/events/calendar/?month=2030-03")

    page = text(response)
    assert response.status_code == 200
    assert "<caption>Events in March 2030</caption>" in page
    assert '<th scope="col"><abbr title="Monday">Mon</abbr></th>' in page
    days = re.findall(
        r'<span class="visually-hidden">\w+, </span>(\d+)<span class="visually-hidden"> March '
        r"2030</span></span> <ul><li><a href=\"/en/events/summit/\"",
        page,
    )
    assert days == ["4", "5"]
    assert 'href="?month=2030-04" rel="next"' in page


def test_calendar_keeps_filters_in_month_links(client):
    response = client.get("/en/events/calendar/?month=2030-03&kind=webinar")

    assert 'href="?month=2030-04&amp;kind=webinar" rel="next"' in text(response)


def test_event_page_shows_local_time_with_zone_and_calendar_link(client):
    EventFactory(
        title="Webinar on hydrogen",
        slug="hydrogen",
        kind=Event.Kind.WEBINAR,
        starts_at=datetime.datetime(2030, 3, 4, 15, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2030, 3, 4, 16, 0, tzinfo=datetime.UTC),
        time_zone="America/New_York",
        city="",
        online_url="https://example.org/live",
    )

    response = client.get("/en/events/hydrogen/")

    page = text(response)
    assert response.status_code == 200
    assert '<time datetime="2030-03-04T10:00:00-05:00">' in page
    assert "(time zone America/New_York)" in page
    assert 'href="/en/events/hydrogen/event.ics" download' in page


def test_event_ics_download(client):
    EventFactory(slug="summit", title="Summit")

    response = client.get("/en/events/summit/event.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="summit.ics"'
    assert b"SUMMARY:Summit\r\n" in response.content


# Funding calls


def test_call_list_orders_by_next_deadline_and_marks_closing_soon(client):
    FundingCallFactory(title="Later", deadlines=[in_days(-10), in_days(60)])
    FundingCallFactory(title="Soon", deadlines=[in_days(3)])
    FundingCallFactory(title="Closed", deadlines=[in_days(-1)])

    response = client.get("/en/funding-calls/")

    assert titles(response) == ["Soon", "Soon", "Later"]  # closing soon, then all open calls


def test_past_call_shows_in_the_archive_and_says_it_is_closed(client):
    FundingCallFactory(title="Closed", slug="closed", deadlines=[in_days(-1)])
    FundingCallFactory(title="Open", deadlines=[in_days(5)])

    assert titles(client.get("/en/funding-calls/archive/")) == ["Closed"]
    detail = client.get("/en/funding-calls/closed/")
    assert "This call is closed: its last deadline has passed." in text(detail)


def test_empty_call_list_invites_organisations(client):
    response = client.get("/en/funding-calls/")

    assert "No open funding call is published at the moment." in text(response)


# Projects


def test_project_page_lists_partners_from_registry_and_outside(client):
    project = ProjectFactory(slug="sensors", title="Sensors")
    ProjectPartnerFactory(
        project=project, organisation=OrganisationFactory(name="Optics Valley"), name=""
    )
    ProjectPartnerFactory(
        project=project, name="Tohoku University", country=Country.objects.get(code="JP")
    )

    response = client.get("/en/projects/sensors/")

    page = text(response)
    assert response.status_code == 200
    assert ">Optics Valley</a></li>" in page
    assert "<li>Tohoku University (Japan)</li>" in page


def test_pages_answer_in_german(client):
    NewsItemFactory(slug="n")
    response = client.get("/de/news/")

    assert response.status_code == 200
    assert '<html lang="de">' in response.content.decode()


def test_calendar_in_german(client):
    response = client.get("/de/events/calendar/?month=2030-03")

    page = text(response)
    assert "<caption>Veranstaltungen im März 2030</caption>" in page
    assert '<th scope="col"><abbr title="Montag">Mo</abbr></th>' in page
