"""Managers write news, events, funding calls, projects and partner requests by API: the
same services and rules as the forms, 422 naming each field, 403 for another organisation,
401 without credentials, and nothing written when refused."""

import datetime
import json

import pytest
from django.test import Client

from clusterscape.accounts.history import versions_of
from clusterscape.accounts.models import Membership, User
from clusterscape.accounts.services import create_api_token
from clusterscape.content.models import Event, FundingCall, NewsItem, Project, Status
from clusterscape.content.tests.factories import NewsItemFactory
from clusterscape.matchmaking.models import PartnerRequest
from clusterscape.registry.tests.factories import OrganisationFactory
from clusterscape.search.models import SearchDocument

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def biorn():
    return OrganisationFactory(slug="biorn", name="BioRN")


@pytest.fixture
def optonet():
    return OrganisationFactory(slug="optonet", name="OptoNet")


@pytest.fixture
def manager(biorn):
    user = User.objects.create_user(username="anna", email="anna@example.org", password="x")
    Membership.objects.create(user=user, organisation=biorn, role=Membership.Role.MANAGER)
    return user


@pytest.fixture
def token(manager, biorn) -> dict[str, str]:
    _token, raw = create_api_token(manager, name="website", organisations=[biorn])
    return {"Authorization": f"Bearer {raw}"}


def send(client, method, path, body, headers=None):
    return getattr(client, method)(
        f"/api/v1/{path}?lang=en",
        json.dumps(body),
        content_type="application/json",
        headers=headers or {},
    )


NEWS = {
    "organisation": "biorn",
    "title": "BioRN opens a cell therapy hub",
    "language": "en",
    "teaser": "A new hub in Heidelberg.",
    "body": "<p>Opened <script>alert(1)</script>today.</p>",
    "tags": ["cell therapy", "hub"],
    "fields": ["biotechnology"],
}


def test_manager_writes_news_submitted_for_review(client, manager, token):
    response = send(client, "post", "news", NEWS, token)

    body = response.json()
    item = NewsItem.objects.get()
    assert response.status_code == 201
    assert (body["slug"], body["status"], body["organisation"], body["fields"]) == (
        "biorn-opens-a-cell-therapy-hub",
        "submitted",
        "biorn",
        ["biotechnology"],
    )
    assert (item.status, item.author, item.tags) == (Status.SUBMITTED, manager, "cell therapy, hub")
    assert item.body == "<p>Opened today.</p>"  # sanitised like the editor's
    assert [v.action for v in versions_of(item).order_by("pk")] == ["create", "update"]
    # not public, so not in the search index nor in the public API
    assert not SearchDocument.objects.filter(kind="news").exists()
    assert client.get(f"/api/v1/news/{item.slug}").status_code == 404


def test_draft_stays_with_the_organisation(client, token):
    response = send(client, "post", "news", {**NEWS, "status": "draft"}, token)

    assert (response.status_code, response.json()["status"]) == (201, "draft")


def test_only_editors_publish_directly_and_a_refusal_writes_nothing(client, token):
    response = send(client, "post", "news", {**NEWS, "status": "published"}, token)

    assert (response.status_code, response.json()) == (
        403,
        {"detail": "Only platform editors publish and review content.", "errors": {}},
    )
    assert not NewsItem.objects.exists()


def test_editor_who_manages_publishes_directly(client, biorn, manager, token):
    manager.platform_role = User.PlatformRole.EDITOR
    manager.save()

    response = send(client, "post", "news", {**NEWS, "status": "published"}, token)

    assert (response.status_code, response.json()["status"]) == (201, "published")
    slug = response.json()["slug"]
    assert client.get(f"/api/v1/news/{slug}").json()["title"] == NEWS["title"]
    assert SearchDocument.objects.filter(kind="news").count() == 1


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"title": ""}, ["title"]),
        ({"language": "fr"}, ["language"]),
        ({"fields": ["biotechnology", "alchemy"]}, ["fields"]),
        ({"teaser": "x" * 501}, ["teaser"]),
        ({"colour": "red"}, ["colour"]),
        ({"tags": "one, two"}, ["tags"]),
        ({"organisation": "nobody"}, ["organisation"]),
    ],
)
def test_bad_news_is_422_naming_each_field(client, token, change, errors):
    response = send(client, "post", "news", {**NEWS, **change}, token)

    assert response.status_code == 422
    assert sorted(response.json()["errors"]) == errors
    assert not NewsItem.objects.exists()


def test_without_credentials_is_401(biorn):
    browser = Client(enforce_csrf_checks=True)

    response = send(browser, "post", "news", NEWS)

    assert (response.status_code, response.json()["errors"]) == (401, {})
    assert not NewsItem.objects.exists()


def test_token_for_another_organisation_is_403(client, optonet, token):
    response = send(client, "post", "news", {**NEWS, "organisation": "optonet"}, token)

    assert (response.status_code, response.json()) == (
        403,
        {"detail": "This token may not write for this organisation.", "errors": {}},
    )
    assert not NewsItem.objects.exists()


def test_changing_another_organisations_item_is_403(client, optonet, token):
    theirs = NewsItemFactory(slug="theirs", organisation=optonet, status=Status.DRAFT)

    response = send(client, "patch", "news/theirs", {"title": "Mine now"}, token)

    assert response.status_code == 403
    assert NewsItem.objects.get(pk=theirs.pk).title == theirs.title


def test_signed_in_member_without_rights_is_403(client, biorn, optonet):
    member = User.objects.create_user(username="max", email="max@example.org", password="x")
    Membership.objects.create(user=member, organisation=biorn, role=Membership.Role.MEMBER)
    theirs = NewsItemFactory(slug="theirs", organisation=optonet, status=Status.DRAFT)
    client.force_login(member)

    response = send(client, "patch", "news/theirs", {"title": "Mine now"})
    submitted = send(client, "post", "news", NEWS)  # members write drafts; managers submit

    assert response.status_code == 403
    assert submitted.status_code == 403
    assert NewsItem.objects.get() == theirs


def test_member_may_not_change_a_published_item_even_with_nothing_to_change(client, biorn):
    member = User.objects.create_user(username="max", email="max@example.org", password="x")
    Membership.objects.create(user=member, organisation=biorn, role=Membership.Role.MEMBER)
    item = NewsItemFactory(slug="ours", organisation=biorn)
    client.force_login(member)

    empty = send(client, "patch", "news/ours", {})
    archive = send(client, "patch", "news/ours", {"status": "archived"})

    assert (empty.status_code, archive.status_code) == (403, 403)
    stored = NewsItem.objects.get(pk=item.pk)
    assert (stored.status, stored.updated_at) == (Status.PUBLISHED, item.updated_at)


def test_manager_changes_and_archives_own_item(client, biorn, token):
    item = NewsItemFactory(slug="ours", organisation=biorn, title="Old title")

    changed = send(client, "patch", "news/ours", {"title": "New title", "tags": ["a"]}, token)
    archived = send(client, "patch", "news/ours", {"status": "archived"}, token)

    assert (changed.status_code, changed.json()["title"], changed.json()["tags"]) == (
        200,
        "New title",
        ["a"],
    )
    assert (archived.status_code, archived.json()["status"]) == (200, "archived")
    stored = NewsItem.objects.get(pk=item.pk)
    assert (stored.title, stored.status, stored.teaser) == ("New title", "archived", item.teaser)


def test_change_of_unknown_item_is_404(client, token):
    response = send(client, "patch", "news/nothing", {"title": "x"}, token)

    assert response.status_code == 404


# Events, calls, projects

EVENT = {
    "organisation": "biorn",
    "title": "Cell therapy day",
    "language": "de",
    "kind": "conference",
    "summary": "A day of talks.",
    "starts_at": "2030-05-04T09:00:00",
    "ends_at": "2030-05-04T17:00:00",
    "time_zone": "America/New_York",
    "city": "Boston",
    "country": "us",
    "status": "draft",
}


def test_event_times_without_offset_are_read_in_its_zone(client, token):
    response = send(client, "post", "events", EVENT, token)

    body = response.json()
    event = Event.objects.get()
    assert response.status_code == 201
    assert (body["starts_at"], body["country"]) == ("2030-05-04T09:00:00-04:00", "US")
    assert event.starts_at == datetime.datetime(2030, 5, 4, 13, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"ends_at": "2030-05-03T09:00:00"}, ["ends_at"]),
        ({"city": "", "online_url": ""}, ["city"]),
        ({"time_zone": "Mars/Olympus"}, ["time_zone"]),
        ({"country": "XX", "organiser": "nobody"}, ["country", "organiser"]),
        ({"starts_at": "3030-01-01T00:00:00"}, ["starts_at"]),
        ({"latitude": 50.0}, ["longitude"]),
    ],
)
def test_bad_event_is_422_naming_each_field(client, token, change, errors):
    response = send(client, "post", "events", {**EVENT, **change}, token)

    assert response.status_code == 422
    assert sorted(response.json()["errors"]) == errors
    assert not Event.objects.exists()


CALL = {
    "organisation": "biorn",
    "title": "Internationalisation of clusters",
    "language": "en",
    "programme_name": "Clusters go international",
    "funder": "BMBF",
    "summary": "Funding for clusters and their partners abroad.",
    "official_url": "https://example.org/call",
    "eligible_countries": ["DE", "FR"],
    "source_urls": ["https://example.org/source"],
    "deadlines": [
        {"deadline_at": "2030-03-01T12:00:00", "label": "Outlines"},
        {"deadline_at": "2030-01-15T12:00:00"},
    ],
    "status": "draft",
}


def test_call_with_deadlines_in_order(client, token):
    response = send(client, "post", "funding-calls", CALL, token)

    body = response.json()
    assert response.status_code == 201
    assert [(d["deadline_at"], d["label"]) for d in body["deadlines"]] == [
        ("2030-01-15T12:00:00+01:00", ""),
        ("2030-03-01T12:00:00+01:00", "Outlines"),
    ]
    assert (body["eligible_countries"], body["source_urls"]) == (
        ["DE", "FR"],
        ["https://example.org/source"],
    )


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"deadlines": []}, ["deadlines"]),
        ({"programme_name": ""}, ["programme_name"]),
        ({"funding_rate": 120}, ["funding_rate"]),
        ({"eligible_countries": ["DE", "ZZ"]}, ["eligible_countries"]),
        (
            {"deadlines": [{"deadline_at": "2030-01-01T00:00:00", "time_zone": "Nowhere"}]},
            ["deadlines"],
        ),
    ],
)
def test_bad_call_is_422_naming_each_field(client, token, change, errors):
    response = send(client, "post", "funding-calls", {**CALL, **change}, token)

    assert response.status_code == 422
    assert sorted(response.json()["errors"]) == errors
    assert not FundingCall.objects.exists()


PROJECT = {
    "organisation": "biorn",
    "title": "Cell therapy manufacturing",
    "language": "en",
    "summary": "Partners scale up manufacturing.",
    "lead_organisation": "biorn",
    "countries": ["FR"],
    "start_date": "2026-01-01",
    "end_date": "2028-12-31",
    "partners": [{"organisation": "optonet"}, {"name": "Lyonbiopole", "country": "FR"}],
    "outcome_links": ["https://example.org/report"],
    "status": "draft",
}


def test_project_with_partners(client, optonet, token):
    response = send(client, "post", "projects", PROJECT, token)

    body = response.json()
    assert response.status_code == 201
    assert body["partners"] == [
        {"organisation": "optonet", "name": "OptoNet", "country": None},
        {"organisation": None, "name": "Lyonbiopole", "country": "FR"},
    ]


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"end_date": "2025-01-01"}, ["end_date"]),
        ({"outcome_links": ["not a link"]}, ["outcome_links"]),
        ({"partners": [{"country": "FR"}]}, ["partners"]),
        ({"partners": [{"organisation": "nobody"}]}, ["partners.0.organisation"]),
    ],
)
def test_bad_project_is_422_naming_each_field(client, optonet, token, change, errors):
    response = send(client, "post", "projects", {**PROJECT, **change}, token)

    assert response.status_code == 422
    assert sorted(response.json()["errors"]) == errors
    assert not Project.objects.exists()


# Partner requests

REQUEST = {
    "organisation": "biorn",
    "title": "Partner for cell therapy manufacturing",
    "seeks": "Manufacturing know-how",
    "offers": "",
    "cooperation": "project",
    "language": "en",
    "fields": ["biotechnology"],
    "target_countries": ["FR"],
}


def in_days(days: int) -> str:
    return str(datetime.date.today() + datetime.timedelta(days=days))


def test_manager_publishes_partner_request(client, token):
    response = send(client, "post", "partner-requests", {**REQUEST, "deadline": in_days(30)}, token)

    body = response.json()
    stored = PartnerRequest.objects.get()
    assert response.status_code == 201
    assert (body["id"], body["organisation"], body["status"]) == (stored.pk, "biorn", "open")
    assert (body["fields"], body["target_countries"]) == (["biotechnology"], ["FR"])
    assert SearchDocument.objects.filter(kind="request", object_id=stored.pk).exists()


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"deadline": in_days(-1)}, ["deadline"]),
        ({"seeks": "", "offers": ""}, ["offers", "seeks"]),
        ({"target_countries": ["FR", "XX"]}, ["target_countries"]),
        ({"cooperation": "marriage"}, ["cooperation"]),
        ({"organisation": "nobody"}, ["organisation"]),
    ],
)
def test_bad_partner_request_is_422_naming_each_field(client, token, change, errors):
    body = {**REQUEST, "deadline": in_days(30), **change}

    response = send(client, "post", "partner-requests", body, token)

    assert response.status_code == 422
    assert sorted(response.json()["errors"]) == errors
    assert not PartnerRequest.objects.exists()


def test_partner_request_for_another_organisation_is_403_and_without_token_401(
    client, optonet, token
):
    body = {**REQUEST, "organisation": "optonet", "deadline": in_days(30)}

    refused = send(client, "post", "partner-requests", body, token)
    anonymous = send(Client(enforce_csrf_checks=True), "post", "partner-requests", body)

    assert (refused.status_code, anonymous.status_code) == (403, 401)
    assert not PartnerRequest.objects.exists()
