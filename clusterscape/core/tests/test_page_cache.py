import re
import time

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings

from clusterscape.accounts.tests.factories import UserFactory
from clusterscape.core.cache import (
    CHANGED_AT_KEY,
    cache_seconds,
    public_pages_changed,
    public_pages_generation,
)
from clusterscape.registry import services
from clusterscape.registry.models import CorrectionSuggestion
from clusterscape.registry.tests.factories import OrganisationFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def page_cache():
    cache.clear()
    with override_settings(PUBLIC_PAGE_CACHE_SECONDS=600):
        yield
    cache.clear()


def test_second_anonymous_visit_is_served_from_cache_without_queries(
    client, django_assert_num_queries
):
    OrganisationFactory(slug="biorn", name="BioRN")
    first = client.get("/en/clusters/")

    with django_assert_num_queries(0):
        second = client.get("/en/clusters/")

    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    assert second["Content-Language"] == "en"


def test_write_through_a_service_shows_on_the_next_visit(
    client, django_capture_on_commit_callbacks
):
    OrganisationFactory(slug="biorn", name="BioRN")
    client.get("/en/clusters/")

    with django_capture_on_commit_callbacks(execute=True):
        services.save_organisation_record(
            {
                "slug": "solar-valley",
                "name": "Solar Valley",
                "kind": "network",
                "country": "DE",
                "source_urls": "https://example.org/solar",
            }
        )
    response = client.get("/en/clusters/")

    assert response["X-Page-Cache"] == "miss"
    assert "Solar Valley" in response.content.decode()


def test_languages_and_htmx_partials_are_cached_apart(client):
    OrganisationFactory(slug="biorn", name="BioRN")
    client.get("/en/clusters/")
    client.get("/de/clusters/")

    full = client.get("/en/clusters/")
    german = client.get("/de/clusters/")
    partial = client.get("/en/clusters/", headers={"HX-Request": "true"})

    assert (full["X-Page-Cache"], german["X-Page-Cache"], partial["X-Page-Cache"]) == (
        "hit",
        "hit",
        "miss",
    )
    assert full["Content-Language"] == "en"
    assert german["Content-Language"] == "de"
    assert "<html" in full.content.decode()
    assert "<html" not in partial.content.decode()
    assert response_vary(partial) >= {"HX-Request", "HX-Target"}


def response_vary(response) -> set[str]:
    return {value.strip() for value in response["Vary"].split(",")}


def test_signed_in_users_never_get_or_fill_the_cache(client):
    OrganisationFactory(slug="biorn", name="BioRN")
    client.force_login(UserFactory())

    first = client.get("/en/clusters/")
    second = client.get("/en/clusters/")

    anonymous = Client().get("/en/clusters/")

    assert first.has_header("X-Page-Cache") is False
    assert second.has_header("X-Page-Cache") is False
    assert anonymous["X-Page-Cache"] == "miss"


def test_cached_profile_gives_each_visitor_a_working_csrf_token_of_their_own():
    OrganisationFactory(slug="biorn", name="BioRN")
    alice = Client(enforce_csrf_checks=True)
    bob = Client(enforce_csrf_checks=True)

    alice_page = alice.get("/en/clusters/biorn/")
    bob_page = bob.get("/en/clusters/biorn/")
    bob_token = TOKEN.search(bob_page.content.decode()).group(1)
    posted = bob.post(
        "/en/clusters/biorn/correction/",
        {"message": "The office moved to Mannheim.", "csrfmiddlewaretoken": bob_token},
    )

    assert (alice_page["X-Page-Cache"], bob_page["X-Page-Cache"]) == ("miss", "hit")
    assert "csrftoken" in bob_page.cookies
    assert bob.cookies["csrftoken"].value != alice.cookies["csrftoken"].value
    assert bob_token != TOKEN.search(alice_page.content.decode()).group(1)
    assert "placeholder" not in bob_page.content.decode()
    assert posted.status_code == 302
    assert CorrectionSuggestion.objects.get().message == "The office moved to Mannheim."


def test_visitor_with_a_message_to_see_is_not_served_from_cache(client):
    OrganisationFactory(slug="biorn", name="BioRN")
    client.get("/en/clusters/biorn/")

    response = client.post(
        "/en/clusters/biorn/correction/", {"message": "Moved to Mannheim."}, follow=True
    )

    assert response.has_header("X-Page-Cache") is False
    assert "Thank you." in response.content.decode()


def test_error_pages_are_not_cached(client):
    first = client.get("/en/clusters/nowhere/")
    second = client.get("/en/clusters/nowhere/")

    assert (first.status_code, second.status_code) == (404, 404)
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("skip", "skip")


def test_generation_moves_once_per_committed_transaction(django_capture_on_commit_callbacks):
    before = public_pages_generation()

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        public_pages_changed()
        public_pages_changed()

    assert len(callbacks) == 1
    assert public_pages_generation() == before + 1


def test_rolled_back_write_keeps_the_generation(django_capture_on_commit_callbacks):
    before = public_pages_generation()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                public_pages_changed()
                raise RuntimeError("write failed")
        except RuntimeError:
            pass

    assert callbacks == []
    assert public_pages_generation() == before


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=0)
def test_page_cache_is_off_with_zero_seconds(client):
    client.get("/en/clusters/")
    response = client.get("/en/clusters/")

    assert response.has_header("X-Page-Cache") is False


def test_pages_are_served_while_the_cache_is_down(client, monkeypatch):
    OrganisationFactory(slug="biorn", name="BioRN")

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("Connection refused")

    monkeypatch.setattr(cache, "get", refuse)
    monkeypatch.setattr(cache, "set", refuse)
    response = client.get("/en/clusters/biorn/")

    assert response.status_code == 200
    assert response.has_header("X-Page-Cache") is False
    assert "BioRN" in response.content.decode()


def test_with_replicas_a_page_rendered_right_after_a_write_is_kept_only_briefly(monkeypatch):
    monkeypatch.setattr("clusterscape.core.cache.replicas", lambda: ["replica1"])

    cache.set(CHANGED_AT_KEY, time.time() - 2)
    just_after = cache_seconds()
    cache.set(CHANGED_AT_KEY, time.time() - 60)
    later = cache_seconds()

    assert (just_after, later) == (10, 600)


def test_without_replicas_pages_are_kept_the_full_time():
    cache.set(CHANGED_AT_KEY, time.time())

    assert cache_seconds() == 600
