"""Partner requests on the pages: publishing, changing and closing them, and the public
list of open requests with its filters and pages."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusterscape.accounts.history import versions_of
from clusterscape.accounts.models import Membership, User
from clusterscape.matchmaking import requests
from clusterscape.matchmaking.models import PartnerRequest
from clusterscape.search.models import SearchDocument

from .factories import matched_organisation

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

TODAY = datetime.date.today()
SOON = TODAY + datetime.timedelta(days=30)


def person(name: str, organisation, role=Membership.Role.MANAGER) -> User:
    user = User.objects.create_user(username=name, email=f"{name}@example.org", password="x")
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def publish(organisation, by, **changes) -> PartnerRequest:
    values = {
        "title": "Testing partner for CFRP parts",
        "seeks": "Testing and certification of carbon-fibre parts",
        "offers": "",
        "cooperation": PartnerRequest.Cooperation.PROJECT,
        "deadline": SOON,
        "language": "en",
        "fields": ["lightweight-construction"],
        "target_countries": ["FR"],
    }
    values.update(changes)
    return requests.publish_partner_request(organisation, by=by, **values)


def listed_titles(response) -> list[str]:
    return re.findall(
        r'<h2 class="hit-title"><a href="[^"]+"[^>]*><span lang="\w\w">([^<]+)</span>',
        response.content.decode(),
    )


@pytest.fixture
def owner():
    return matched_organisation(name="Leichtbau Sachsen", slug="leichtbau-sachsen")


@pytest.fixture
def manager(owner):
    return person("anna", owner)


FORM = {
    "title": "Partner for hydrogen storage tests",
    "seeks": "Burst tests of type IV tanks",
    "offers": "Filament winding",
    "fields": ["lightweight-construction"],
    "target_countries": ["FR", "JP"],
    "cooperation": "research",
    "deadline": SOON.isoformat(),
    "language": "en",
}


def test_manager_publishes_a_request_from_the_form(client, owner, manager):
    client.force_login(manager)

    response = client.post("/en/clusters/leichtbau-sachsen/partners/requests/new/", FORM)

    created = PartnerRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/en/partners/requests/{created.pk}/"
    assert (created.title, created.organisation, created.cooperation) == (
        "Partner for hydrogen storage tests",
        owner,
        "research",
    )
    assert sorted(created.target_countries.values_list("code", flat=True)) == ["FR", "JP"]
    assert SearchDocument.objects.filter(kind="request", object_id=created.pk).count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "Your partner request is published." in page


def test_bad_form_names_each_field_and_writes_nothing(client, owner, manager):
    client.force_login(manager)
    bad = {
        **FORM,
        "deadline": (TODAY - datetime.timedelta(days=1)).isoformat(),
        "seeks": "",
        "offers": " ",
        "target_countries": ["FR", "XX"],
    }

    response = client.post("/en/clusters/leichtbau-sachsen/partners/requests/new/", bad)

    content = response.content.decode()
    assert response.status_code == 400
    assert re.findall(r'<ul class="errors" id="(id_\w+)_errors">', content) == [
        "id_seeks",
        "id_offers",
        "id_target_countries",
        "id_deadline",
    ]
    for message in (
        "The deadline has passed.",
        "Say what you seek or what you offer.",
        "Unknown country codes: XX.",
    ):
        assert message in content
    assert PartnerRequest.objects.count() == 0


def test_members_and_strangers_cannot_publish_change_or_close(client, owner, manager):
    request = publish(owner, manager)
    member = person("ben", owner, role=Membership.Role.MEMBER)
    stranger = person("kenji", matched_organisation(name="Lightweight Tokyo", country="JP"))
    urls = [
        "/en/clusters/leichtbau-sachsen/partners/requests/new/",
        f"/en/partners/requests/{request.pk}/edit/",
        f"/en/partners/requests/{request.pk}/close/",
    ]

    for user in (member, stranger):
        client.force_login(user)
        assert [client.post(url, FORM).status_code for url in urls] == [403, 403, 403]
    client.logout()
    assert [client.post(url, FORM).status_code for url in urls] == [302, 302, 302]

    request.refresh_from_db()
    assert (request.title, request.status) == ("Testing partner for CFRP parts", "open")
    assert PartnerRequest.objects.count() == 1


def test_manager_changes_and_closes_own_request(client, owner, manager):
    request = publish(owner, manager)
    client.force_login(manager)

    form = client.get(f"/en/partners/requests/{request.pk}/edit/").content.decode()
    assert 'value="Testing partner for CFRP parts"' in form
    response = client.post(
        f"/en/partners/requests/{request.pk}/edit/", {**FORM, "title": "Burst tests"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.title == "Burst tests"
    assert SearchDocument.objects.get(kind="request").title == "Burst tests"

    response = client.post(f"/en/partners/requests/{request.pk}/close/")

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "closed"
    assert SearchDocument.objects.filter(kind="request").count() == 0
    assert [v.action for v in versions_of(request)] == ["update", "update", "create"]
    assert client.post(f"/en/partners/requests/{request.pk}/edit/", FORM).status_code == 400
    mine = client.get("/en/partners/requests/mine/").content.decode()
    assert "Burst tests" in mine
    assert "closed" in mine


def test_a_failed_change_leaves_the_request_as_it_was(owner, manager):
    request = publish(owner, manager)

    with pytest.raises(requests.ValidationError):
        requests.update_partner_request(
            request,
            by=manager,
            **{**FORM, "deadline": SOON, "fields": [], "seeks": "", "offers": ""},
        )

    request.refresh_from_db()
    assert request.seeks == "Testing and certification of carbon-fibre parts"
    assert request.title == "Testing partner for CFRP parts"


@pytest.fixture
def listed(owner, manager):
    other = matched_organisation(name="Composites Lyon", slug="composites-lyon", country="FR")
    other_manager = person("claire", other)
    return {
        "cfrp": publish(owner, manager),
        "photonics": publish(
            other,
            other_manager,
            title="Laser optics partner",
            seeks="Photonic sensors for process control",
            fields=["photonics"],
            target_countries=["DE"],
            cooperation=PartnerRequest.Cooperation.MARKET,
        ),
        "expired": publish(owner, manager, title="Old hydrogen call"),
    }


def test_list_shows_open_requests_and_expired_ones_leave_by_query(client, listed):
    PartnerRequest.objects.filter(pk=listed["expired"].pk).update(
        deadline=TODAY - datetime.timedelta(days=1)
    )

    response = client.get("/en/partners/requests/")

    assert response.status_code == 200
    assert listed_titles(response) == ["Testing partner for CFRP parts", "Laser optics partner"]
    assert f'href="/en/partners/requests/{listed["cfrp"].pk}/"' in response.content.decode()


def test_list_filters_by_field_country_cooperation_and_words(client, listed):
    def titles(query: str) -> list[str]:
        return listed_titles(client.get(f"/en/partners/requests/?{query}"))

    assert titles("field=photonics") == ["Laser optics partner"]
    assert titles("country=DE") == ["Laser optics partner"]
    assert titles("country=FR") == ["Testing partner for CFRP parts", "Old hydrogen call"]
    assert titles("cooperation=market") == ["Laser optics partner"]
    assert sorted(titles("q=certification")) == [
        "Old hydrogen call",
        "Testing partner for CFRP parts",
    ]
    assert titles("q=laser&country=FR") == []
    assert client.get("/en/partners/requests/?cooperation=nonsense").status_code == 400


def test_list_pages_keep_their_filters(client, owner, manager, settings):
    for number in range(22):
        publish(owner, manager, title=f"Request {number:02d}")

    first = client.get("/en/partners/requests/?country=FR")
    second = client.get("/en/partners/requests/?country=FR&page=2")

    assert len(listed_titles(first)) == 20
    assert listed_titles(second) == ["Request 20", "Request 21"]
    assert 'href="?country=FR&amp;page=2" rel="next"' in first.content.decode()
    assert "22 open requests" in first.content.decode()


def test_list_answers_htmx_with_the_results_only(client, listed):
    response = client.get("/en/partners/requests/?field=photonics", HTTP_HX_REQUEST="true")

    assert "<h1>" not in response.content.decode()
    assert listed_titles(response) == ["Laser optics partner"]


@pytest.mark.parametrize("count", [1, 3])
def test_list_reads_a_fixed_number_of_queries(client, owner, manager, count):
    for number in range(count):
        publish(owner, manager, title=f"Request {number}")
    client.get("/en/partners/requests/")  # sessions, caches and the like settle first

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/en/partners/requests/")

    assert len(listed_titles(response)) == count
    assert len(queries) == 6, [q["sql"][:90] for q in queries.captured_queries]


def test_managers_find_the_publish_link_on_the_profile_and_in_their_area(client, owner, manager):
    form_url = "/en/clusters/leichtbau-sachsen/partners/requests/new/"
    member = person("ben", owner, role=Membership.Role.MEMBER)

    assert form_url not in client.get(owner.get_absolute_url()).content.decode()
    client.force_login(member)
    assert form_url not in client.get(owner.get_absolute_url()).content.decode()
    assert client.get(form_url).status_code == 403
    client.force_login(manager)
    for page in (owner.get_absolute_url(), "/en/account/", "/en/partners/requests/mine/"):
        assert f'href="{form_url}"' in client.get(page).content.decode(), page
    assert client.get(form_url).status_code == 200


def test_the_request_pages_speak_german(client, owner, manager):
    client.force_login(manager)

    listing = client.get("/de/partners/requests/").content.decode()
    form = client.get("/de/clusters/leichtbau-sachsen/partners/requests/new/").content.decode()

    assert "Gesuche zeigen</button>" in listing
    assert "<h1>Ein Partnergesuch veröffentlichen</h1>" in form
    assert "Art der Zusammenarbeit" in form
