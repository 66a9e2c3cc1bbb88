"""Last-Modified on the API's lists: If-Modified-Since gives 304 while nothing changed and
200 once something did, including changes that come with time alone (a scheduled item
turning public, a deadline passing), on the real test client."""

import datetime

import pytest
from django.utils import timezone
from django.utils.http import http_date

from clusterscape.content.models import FundingCall, Status
from clusterscape.content.tests.factories import FundingCallFactory, NewsItemFactory, in_days
from clusterscape.matchmaking.models import PartnerRequest
from clusterscape.registry import services as registry_services
from clusterscape.registry.models import Organisation
from clusterscape.registry.tests.factories import OrganisationFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

NOW = timezone.now()


def at(monkeypatch, moment: datetime.datetime) -> None:
    """Let the clock stand at the moment (writes and reads alike)."""
    monkeypatch.setattr(timezone, "now", lambda: moment)


def since(client, path: str, response) -> int:
    return client.get(path, headers={"If-Modified-Since": response["Last-Modified"]}).status_code


def slugs(response) -> list[str]:
    return [record["slug"] for record in response.json()["results"]]


def test_news_list_is_304_until_an_item_changes(client, monkeypatch):
    at(monkeypatch, NOW)
    item = NewsItemFactory(slug="hub", publish_at=NOW - datetime.timedelta(days=1))
    first = client.get("/api/v1/news")

    unchanged = since(client, "/api/v1/news", first)
    at(monkeypatch, NOW + datetime.timedelta(minutes=5))
    item.title = "Hub opens"
    item.save()
    changed = client.get("/api/v1/news", headers={"If-Modified-Since": first["Last-Modified"]})

    assert (first.status_code, unchanged, changed.status_code) == (200, 304, 200)
    assert changed.json()["results"][0]["title"] == "Hub opens"


def test_news_list_is_200_once_a_scheduled_item_turns_public(client, monkeypatch):
    at(monkeypatch, NOW)
    NewsItemFactory(slug="hub", publish_at=NOW - datetime.timedelta(days=1))
    NewsItemFactory(slug="scheduled", publish_at=NOW + datetime.timedelta(hours=2))
    first = client.get("/api/v1/news")

    at(monkeypatch, NOW + datetime.timedelta(hours=1))
    before = since(client, "/api/v1/news", first)
    at(monkeypatch, NOW + datetime.timedelta(hours=3))
    after = client.get("/api/v1/news", headers={"If-Modified-Since": first["Last-Modified"]})

    assert (slugs(first), before) == (["hub"], 304)
    assert (after.status_code, slugs(after)) == (200, ["scheduled", "hub"])
    assert after["Last-Modified"] == http_date((NOW + datetime.timedelta(hours=2)).timestamp())


def test_news_list_is_200_after_an_item_is_unpublished(client, monkeypatch):
    at(monkeypatch, NOW)
    NewsItemFactory(slug="hub", publish_at=NOW - datetime.timedelta(days=1))
    item = NewsItemFactory(slug="gone", publish_at=NOW - datetime.timedelta(days=2))
    first = client.get("/api/v1/news")

    at(monkeypatch, NOW + datetime.timedelta(minutes=5))
    item.status = Status.ARCHIVED
    item.save()
    after = client.get("/api/v1/news", headers={"If-Modified-Since": first["Last-Modified"]})

    assert (slugs(first), after.status_code, slugs(after)) == (["hub", "gone"], 200, ["hub"])


def test_open_calls_are_200_once_a_deadline_passes(client, monkeypatch):
    FundingCallFactory(slug="soon", deadlines=[in_days(40)])
    FundingCallFactory(slug="later", deadlines=[in_days(90)])
    path = "/api/v1/funding-calls?state=open"
    first = client.get(path)

    at(monkeypatch, timezone.now() + datetime.timedelta(days=1))
    unchanged = since(client, path, first)
    at(monkeypatch, in_days(41))
    after = client.get(path, headers={"If-Modified-Since": first["Last-Modified"]})

    assert (slugs(first), unchanged) == (["soon", "later"], 304)
    assert (after.status_code, slugs(after)) == (200, ["later"])


def test_calls_closing_soon_are_200_once_a_deadline_comes_within_30_days(client, monkeypatch):
    FundingCallFactory(slug="soon", deadlines=[in_days(40)])
    path = "/api/v1/funding-calls?state=closing-soon"
    first = client.get(path)

    at(monkeypatch, in_days(40) - datetime.timedelta(days=29))
    after = client.get(path, headers={"If-Modified-Since": first["Last-Modified"]})

    assert (slugs(first), after.status_code, slugs(after)) == ([], 200, ["soon"])
    assert FundingCall.objects.count() == 1


def test_partner_requests_are_200_once_a_deadline_passes(client, monkeypatch):
    organisation = OrganisationFactory(slug="biorn")
    for title, days in (("Trial sites", 3), ("Sensor lab", 30)):
        PartnerRequest.objects.create(
            organisation=organisation,
            title=title,
            offers="Assays",
            deadline=timezone.localdate() + datetime.timedelta(days=days),
            language="en",
        )
    first = client.get("/api/v1/partner-requests")

    at(monkeypatch, timezone.now() + datetime.timedelta(days=1))
    unchanged = since(client, "/api/v1/partner-requests", first)
    at(monkeypatch, timezone.now() + datetime.timedelta(days=5))
    after = client.get(
        "/api/v1/partner-requests", headers={"If-Modified-Since": first["Last-Modified"]}
    )

    assert ([r["title"] for r in first.json()], unchanged) == (["Trial sites", "Sensor lab"], 304)
    assert (after.status_code, [r["title"] for r in after.json()]) == (200, ["Sensor lab"])


def test_partner_request_detail_is_304_until_it_changes(client, monkeypatch):
    at(monkeypatch, NOW)
    item = PartnerRequest.objects.create(
        organisation=OrganisationFactory(slug="biorn"),
        title="Trial sites",
        offers="Assays",
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        language="en",
    )
    path = f"/api/v1/partner-requests/{item.pk}"
    first = client.get(path)

    unchanged = since(client, path, first)
    at(monkeypatch, NOW + datetime.timedelta(minutes=5))
    item.title = "Clinical trial sites"
    item.save()

    assert (first.status_code, unchanged, since(client, path, first)) == (200, 304, 200)


def test_organisation_list_is_200_after_one_is_unpublished(client, monkeypatch):
    at(monkeypatch, NOW)
    OrganisationFactory(slug="biorn", name="BioRN")
    gone = OrganisationFactory(slug="lyonbiopole", name="Lyonbiopole")
    first = client.get("/api/v1/organisations")

    unchanged = since(client, "/api/v1/organisations", first)
    at(monkeypatch, NOW + datetime.timedelta(minutes=5))
    gone.status = Organisation.Status.ARCHIVED
    gone.save()

    assert (first.status_code, unchanged) == (200, 304)
    assert since(client, "/api/v1/organisations", first) == 200


def test_organisations_and_partnerships_are_200_after_a_partner_link_import(
    client, monkeypatch, tmp_path
):
    at(monkeypatch, NOW)
    OrganisationFactory(slug="biorn", name="BioRN")
    OrganisationFactory(slug="lyonbiopole", name="Lyonbiopole", country_id="FR")
    paths = ("/api/v1/organisations/biorn", "/api/v1/partnerships")
    first = {path: client.get(path) for path in paths}
    links = tmp_path / "partnerships.csv"
    links.write_text(
        "source_slug,target_slug,kind,year,source_url\n"
        "biorn,lyonbiopole,mou,2016,https://www.biorn.org/\n"
    )

    unchanged = [since(client, path, first[path]) for path in paths]
    at(monkeypatch, NOW + datetime.timedelta(minutes=5))
    report = registry_services.import_partner_links(links)
    after = [since(client, path, first[path]) for path in paths]

    assert (report.created, unchanged, after) == (["biorn->lyonbiopole"], [304, 304], [200, 200])
