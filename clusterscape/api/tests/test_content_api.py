"""News, events, funding calls and projects in the API: lists with the portal's filters and
page links, details by slug, exports; only what the public sees."""

import csv
import datetime
import io
import json

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from clusterscape.content import services as content_services
from clusterscape.content.models import Event, Project, Status
from clusterscape.content.tests.factories import (
    EventFactory,
    FundingCallFactory,
    NewsItemFactory,
    ProjectFactory,
    ProjectPartnerFactory,
    in_days,
)
from clusterscape.registry.models import Country, Field
from clusterscape.registry.tests.factories import OrganisationFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


@pytest.fixture
def biorn():
    return OrganisationFactory(slug="biorn", name="BioRN", country_id="DE")


@pytest.fixture
def news(biorn):
    lyon = OrganisationFactory(slug="lyonbiopole", name="Lyonbiopole", country_id="FR")
    biotech = Field.objects.get(slug="biotechnology")
    items = {
        "old": NewsItemFactory(slug="old", title="Cell therapy hub", organisation=biorn),
        "new": NewsItemFactory(
            slug="new", title="Neue Förderung", language="de", organisation=biorn
        ),
        "french": NewsItemFactory(slug="french", title="Lyon grows", organisation=lyon),
        "draft": NewsItemFactory(slug="draft", status=Status.DRAFT, organisation=biorn),
        "later": NewsItemFactory(
            slug="later", publish_at=timezone.now() + datetime.timedelta(days=1)
        ),
        "archived": NewsItemFactory(slug="archived", status=Status.ARCHIVED),
    }
    items["old"].publish_at = ago(3)
    items["new"].publish_at = ago(1)
    items["french"].publish_at = ago(2)
    for item in items.values():
        item.save()
    items["old"].fields.add(biotech)
    for item in items.values():
        content_services.sync_index(item)
    return items


def slugs(body) -> list[str]:
    return [record["slug"] for record in body["results"]]


def test_news_list_shows_public_items_latest_first_with_page_links(client, news):
    response = client.get("/api/v1/news", {"page_size": 2})

    body = response.json()
    assert response.status_code == 200
    assert slugs(body) == ["new", "french"]
    assert (body["count"], body["page"], body["page_size"], body["pages"]) == (3, 1, 2, 2)
    assert body["next"] == "http://testserver/api/v1/news?page_size=2&page=2"
    assert body["previous"] is None
    second = client.get(body["next"]).json()
    assert (slugs(second), second["next"]) == (["old"], None)
    assert second["previous"] == "http://testserver/api/v1/news?page_size=2&page=1"


def test_news_record_has_every_field_and_its_page(client, news):
    record = client.get("/api/v1/news/old").json()

    assert record == {
        "slug": "old",
        "title": "Cell therapy hub",
        "language": "en",
        "translation_key": str(news["old"].translation_key),
        "status": "published",
        "organisation": "biorn",
        "fields": ["biotechnology"],
        "publish_at": record["publish_at"],
        "updated_at": record["updated_at"],
        "teaser": "What happened, in a sentence.",
        "body": "",
        "image": None,
        "image_alt": "",
        "tags": [],
        "url": "http://testserver/de/news/old/",
    }
    published = datetime.datetime.fromisoformat(record["publish_at"].replace("Z", "+00:00"))
    assert abs(published - news["old"].publish_at) < datetime.timedelta(seconds=1)


@pytest.mark.parametrize("slug", ["draft", "later", "archived", "nothing"])
def test_items_the_public_does_not_see_are_404(client, news, slug):
    response = client.get(f"/api/v1/news/{slug}?lang=en")

    assert (response.status_code, response.json()) == (
        404,
        {"detail": "No published news item has this key.", "errors": {}},
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"language": "de"}, ["new"]),
        ({"field": "biotechnology"}, ["old"]),
        ({"field": "health"}, ["old"]),  # an area includes its fields
        ({"organisation": "lyonbiopole"}, ["french"]),
        ({"country": "fr"}, ["french"]),  # news: the publishing organisation's country
        ({"q": "cell therapy"}, ["old"]),
        ({"q": "lyon", "language": "de"}, []),
    ],
)
def test_news_list_filters_like_the_portal(client, news, params, expected):
    body = client.get("/api/v1/news", params).json()

    assert (slugs(body), body["count"]) == (expected, len(expected))


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"field": "no-such-field"}, "field"),
        ({"organisation": "nobody"}, "organisation"),
        ({"country": "XX"}, "country"),
        ({"language": "fr"}, "language"),
        ({"page": "0"}, "page"),
        ({"page": "1001"}, "page"),
        ({"page_size": "0"}, "page_size"),
        ({"fields": "title,password"}, "fields"),
    ],
)
def test_list_rejects_bad_parameters_naming_them(client, news, params, name):
    response = client.get("/api/v1/news", params)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [name]


def test_page_size_is_capped_and_a_page_past_the_last_is_empty(client, news):
    capped = client.get("/api/v1/news", {"page_size": 500}).json()
    past = client.get("/api/v1/news", {"page": 7}).json()

    assert (capped["page_size"], len(capped["results"])) == (100, 3)
    assert (past["results"], past["next"], past["previous"]) == ([], None, None)


def test_sparse_fields_return_only_what_is_asked(client, news):
    body = client.get("/api/v1/news", {"fields": "title,language", "language": "de"}).json()

    assert body["results"] == [
        {
            "slug": "new",
            "title": "Neue Förderung",
            "language": "de",
            "url": "http://testserver/de/news/new/",
        }
    ]


def test_list_and_detail_answer_304_when_unchanged(client, news):
    for path in ("/api/v1/news?language=de", "/api/v1/news/old"):
        first = client.get(path)
        again = client.get(path, headers={"If-None-Match": first["ETag"]})

        assert (first.status_code, again.status_code, again.content) == (200, 304, b"")
    detail = client.get("/api/v1/news/old")
    since = client.get("/api/v1/news/old", headers={"If-Modified-Since": detail["Last-Modified"]})
    assert since.status_code == 304


# Events


@pytest.fixture
def events(biorn):
    france = Country.objects.get(code="FR")
    return {
        "past": EventFactory(
            slug="past", starts_at=in_days(-30), ends_at=in_days(-29), organisation=biorn
        ),
        "fair": EventFactory(
            slug="fair",
            kind=Event.Kind.TRADE_FAIR,
            starts_at=in_days(5),
            ends_at=in_days(7),
            country=france,
            city="Lyon",
        ),
        "webinar": EventFactory(
            slug="webinar",
            kind=Event.Kind.WEBINAR,
            starts_at=in_days(20),
            ends_at=in_days(20, 12),
            city="",
            online_url="https://example.org/live",
        ),
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["past", "fair", "webinar"]),
        ({"kind": "trade-fair"}, ["fair"]),
        ({"country": "FR"}, ["fair"]),
        ({"date_from": str(timezone.localdate())}, ["fair", "webinar"]),
        (
            {
                "date_from": str(timezone.localdate() + datetime.timedelta(days=6)),
                "date_to": str(timezone.localdate() + datetime.timedelta(days=10)),
            },
            ["fair"],
        ),
    ],
)
def test_event_list_filters_by_kind_country_and_days(client, events, params, expected):
    body = client.get("/api/v1/events", params).json()

    assert slugs(body) == expected


def test_event_record_gives_local_times_and_its_calendar(client, events):
    record = client.get("/api/v1/events/fair").json()

    local = events["fair"].local_start
    assert datetime.datetime.fromisoformat(record["starts_at"]) == local
    assert record["starts_at"].endswith(local.strftime("%z")[:3] + ":" + local.strftime("%z")[3:])
    assert (record["kind"], record["country"], record["city"], record["time_zone"]) == (
        "trade-fair",
        "FR",
        "Lyon",
        "Europe/Berlin",
    )
    assert record["ical"] == "http://testserver/de/events/fair/event.ics"


def test_event_dates_in_wrong_order_are_400(client, events):
    response = client.get("/api/v1/events", {"date_from": "2026-02-01", "date_to": "2026-01-01"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["date_to"]


# Funding calls


@pytest.fixture
def calls():
    return {
        "soon": FundingCallFactory(slug="soon", deadlines=[in_days(10)]),
        "later": FundingCallFactory(slug="later", deadlines=[in_days(-5), in_days(90)]),
        "closed": FundingCallFactory(slug="closed", deadlines=[in_days(-60)]),
        "older": FundingCallFactory(slug="older", deadlines=[in_days(-200)]),
    }


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("open", ["soon", "later"]),
        ("closing-soon", ["soon"]),
        ("archived", ["closed", "older"]),
        ("", ["later", "soon", "closed", "older"]),
    ],
)
def test_call_list_by_state(client, calls, state, expected):
    body = client.get("/api/v1/funding-calls", {"state": state}).json()

    assert slugs(body) == expected


def test_call_record_lists_its_deadlines_in_their_zone(client, calls):
    record = client.get("/api/v1/funding-calls/later").json()

    assert [d["time_zone"] for d in record["deadlines"]] == ["Europe/Berlin", "Europe/Berlin"]
    assert [datetime.datetime.fromisoformat(d["deadline_at"]) for d in record["deadlines"]] == [
        in_days(-5),
        in_days(90),
    ]
    assert record["official_url"] == "https://example.org/call"


# Projects


def test_project_list_filters_by_country_and_record_has_partners(client, biorn):
    france = Country.objects.get(code="FR")
    joint = ProjectFactory(slug="joint", organisation=biorn, lead_organisation=biorn)
    joint.countries.add(france)
    ProjectFactory(slug="alone", start_date=datetime.date(2025, 1, 1))
    ProjectPartnerFactory(project=joint, name="Lyonbiopole", country=france)

    every = client.get("/api/v1/projects").json()
    french = client.get("/api/v1/projects", {"country": "FR"}).json()
    record = client.get("/api/v1/projects/joint").json()

    assert (slugs(every), slugs(french)) == (["alone", "joint"], ["joint"])
    assert record["partners"] == [{"organisation": None, "name": "Lyonbiopole", "country": "FR"}]
    assert (record["lead_organisation"], record["countries"]) == ("biorn", ["FR"])
    assert Project.objects.count() == 2


# Exports


def test_export_news_as_csv_filtered_like_the_list(client, news):
    response = client.get("/api/v1/exports/news", {"format": "csv", "language": "en"})

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="news.csv"'
    assert [(row["slug"], row["organisation"], row["fields"]) for row in rows] == [
        ("french", "lyonbiopole", ""),
        ("old", "biorn", "biotechnology"),
    ]
    assert rows[0]["url"] == "http://testserver/de/news/french/"


def test_export_calls_as_json_and_xlsx(client, calls):
    as_json = client.get("/api/v1/exports/funding-calls", {"format": "json", "state": "open"})
    as_xlsx = client.get("/api/v1/exports/funding-calls", {"format": "xlsx", "state": "open"})

    document = json.loads(as_json.content)
    assert document["format"] == "clusterscape-calls"
    assert [item["slug"] for item in document["items"]] == ["soon", "later"]
    sheet = load_workbook(io.BytesIO(as_xlsx.content))["calls"]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert [row[header.index("slug")] for row in rows[1:]] == ["soon", "later"]
    deadlines = rows[2][header.index("deadlines")]
    assert deadlines.count("Europe/Berlin") == 2


def test_export_refuses_unknown_format(client, news):
    response = client.get("/api/v1/exports/news", {"format": "pdf"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["format"]


def test_errors_speak_the_language_asked_for(client, news):
    missing = client.get("/api/v1/news/nothing", {"lang": "de"})
    bad = client.get(
        "/api/v1/events", {"lang": "de", "date_from": "2026-02-01", "date_to": "2026-01-01"}
    )

    assert missing.json()["detail"] == "Keine veröffentlichte Nachricht hat diesen Schlüssel."
    assert bad.json()["errors"] == {"date_to": ["Das Enddatum liegt vor dem Startdatum."]}
