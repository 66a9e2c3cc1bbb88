"""The alerts pages: saving a search from the search page or the directory, a request
profile, listing, frequency and deletion of one's own alerts only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusterscape.accounts.models import User
from clusterscape.alerts.models import Alert

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def reader():
    return User.objects.create_user(username="rita", email="rita@example.org", password="x")


@pytest.fixture
def other():
    return User.objects.create_user(username="otto", email="otto@example.org", password="x")


def test_search_page_offers_to_save_the_current_search(client):
    response = client.get("/en/search/?q=hydrogen&country=DE")

    assert (
        '<a href="/en/alerts/new/?q=hydrogen&amp;country=DE">Save this search as an alert</a>'
        in response.content.decode()
    )


def test_saving_a_search_keeps_its_words_and_filters(client, reader):
    client.force_login(reader)

    page = client.get("/en/alerts/new/?q=hydrogen&country=DE&page=3")
    assert page.status_code == 200
    assert "<dt>Words</dt><dd>hydrogen</dd>" in page.content.decode()
    assert "<dt>Country</dt><dd>Germany</dd>" in page.content.decode()
    response = client.post("/en/alerts/new/?q=hydrogen&country=DE&page=3", {"frequency": "weekly"})

    assert response.status_code == 302
    alert = Alert.objects.get()
    assert (alert.user, alert.kind, alert.frequency, alert.language) == (
        reader,
        "search",
        "weekly",
        "en",
    )
    assert alert.query == {"q": ["hydrogen"], "country": ["DE"]}


def test_the_directory_saves_a_search_for_organisations(client, reader):
    client.force_login(reader)

    client.post("/de/alerts/new/?q=laser&from=directory", {"frequency": "daily"})

    alert = Alert.objects.get()
    assert alert.query == {"q": ["laser"], "type": ["organisation"]}
    assert alert.language == "de"


def test_an_empty_search_is_not_saved(client, reader):
    client.force_login(reader)

    response = client.post("/en/alerts/new/", {"frequency": "daily"})

    assert response.status_code == 400
    assert "Search for something or pick a filter before saving an alert." in (
        response.content.decode()
    )
    assert Alert.objects.count() == 0


def test_visitors_are_sent_to_sign_in(client):
    response = client.get("/en/alerts/new/?q=hydrogen")

    assert response.status_code == 302
    assert response["Location"].startswith("/en/account/login/")


def test_a_request_profile_is_saved_from_the_alerts_page(client, reader):
    client.force_login(reader)

    response = client.post(
        "/en/alerts/",
        {
            "me_fields": ["lightweight-construction"],
            "me_seeks": ["testing-certification"],
            "me_targets": ["FR"],
            "frequency": "daily",
        },
    )

    assert response.status_code == 302
    alert = Alert.objects.get()
    assert alert.kind == "profile"
    assert alert.query == {
        "me_fields": ["lightweight-construction"],
        "me_seeks": ["testing-certification"],
        "me_targets": ["FR"],
    }
    page = client.get("/en/alerts/").content.decode()
    assert "<dt>Your fields</dt><dd>Lightweight construction</dd>" in page
    assert "<dt>Countries where you look for partners</dt><dd>France</dd>" in page


def test_an_empty_profile_names_the_field_to_fill(client, reader):
    client.force_login(reader)

    response = client.post("/en/alerts/", {"me_targets": ["FR"], "frequency": "daily"})

    assert response.status_code == 400
    assert 'id="id_me_fields_errors"' in response.content.decode()
    assert Alert.objects.count() == 0


def test_a_user_changes_and_deletes_own_alerts(client, reader):
    alert = Alert.objects.create(user=reader, kind="search", query={"q": ["x"]}, language="en")
    client.force_login(reader)

    client.post(f"/en/alerts/{alert.pk}/frequency/", {f"a{alert.pk}-frequency": "weekly"})
    alert.refresh_from_db()
    assert alert.frequency == "weekly"
    client.post(f"/en/alerts/{alert.pk}/delete/")
    assert Alert.objects.count() == 0


def test_another_users_alert_can_be_neither_seen_nor_changed_nor_deleted(client, reader, other):
    alert = Alert.objects.create(
        user=reader, kind="search", query={"q": ["secret plans"]}, language="en"
    )
    client.force_login(other)

    assert "secret plans" not in client.get("/en/alerts/").content.decode()
    assert client.post(f"/en/alerts/{alert.pk}/delete/").status_code == 404
    response = client.post(
        f"/en/alerts/{alert.pk}/frequency/", {f"a{alert.pk}-frequency": "weekly"}
    )
    assert response.status_code == 404
    alert.refresh_from_db()
    assert alert.frequency == "daily"


@pytest.mark.parametrize("count", [1, 3])
def test_the_alerts_page_reads_a_fixed_number_of_queries(client, reader, count):
    for number in range(count):
        Alert.objects.create(
            user=reader,
            kind="search",
            query={"q": [f"w{number}"], "country": ["DE"]},
            language="en",
        )
    client.force_login(reader)
    client.get("/en/alerts/")

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/en/alerts/")

    assert response.content.decode().count('class="hit"') == count
    assert len(queries) == 8, [q["sql"][:80] for q in queries.captured_queries]


def test_the_explorer_offers_to_save_a_described_profile(client, reader):
    query = "me_fields=lightweight-construction&me_seeks=testing-certification"

    response = client.get(f"/en/partners/?{query}&me_keywords=")
    link = f'<a href="/en/alerts/?{query.replace("&", "&amp;")}&amp;me_keywords=#profile-alert">'
    assert link + "Save this profile as an alert</a>" in response.content.decode()
    client.force_login(reader)
    form = client.get(f"/en/alerts/?{query}").content.decode()

    assert '<option value="testing-certification" selected>' in form


def test_the_account_page_links_to_the_alerts(client, reader):
    client.force_login(reader)

    assert 'href="/en/alerts/">Your alerts</a>' in client.get("/en/account/").content.decode()


def test_the_alerts_pages_speak_german(client, reader):
    client.force_login(reader)

    page = client.get("/de/alerts/").content.decode()
    new = client.get("/de/alerts/new/?q=wasserstoff").content.decode()

    assert "<h1>Ihre Benachrichtigungen</h1>" in page
    assert "<dt>Wörter</dt><dd>wasserstoff</dd>" in new
    assert "Benachrichtigung speichern</button>" in new
