import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusterscape.accounts.models import User
from clusterscape.matchmaking.models import Bookmark

from .factories import matched_organisation

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).strip()


def result_names(response) -> list[str]:
    return re.findall(
        r'<h3 class="match-title"><a href="[^"]+">([^<]+)</a>', response.content.decode()
    )


@pytest.fixture
def landscape():
    a = matched_organisation(
        name="Leichtbau Sachsen",
        slug="leichtbau-sachsen",
        fields=("lightweight-construction",),
        seeks=(("lightweight-construction", "testing-certification"),),
    )
    tester = matched_organisation(
        name="Composites Lyon",
        slug="composites-lyon",
        country="FR",
        fields=("lightweight-construction",),
        offers=(("lightweight-construction", "testing-certification"),),
        targets=("DE",),
        website="https://composites.example.org/",
    )
    same = matched_organisation(
        name="Lightweight Tokyo",
        slug="lightweight-tokyo",
        country="JP",
        fields=("lightweight-construction",),
    )
    return a, tester, same


def test_find_partners_page_lists_partners_with_reasons(client, landscape):
    response = client.get("/en/clusters/leichtbau-sachsen/partners/")

    assert response.status_code == 200
    assert result_names(response) == ["Composites Lyon", "Lightweight Tokyo"]
    assert (
        "Both work on Lightweight construction; they offer Testing and certification in "
        "Lightweight construction, which you seek; they look for partners in Germany"
    ) in text(response)
    assert 'href="https://composites.example.org/"' in response.content.decode()


def test_find_partners_page_filters_by_country(client, landscape):
    response = client.get("/en/clusters/leichtbau-sachsen/partners/?country=JP")

    assert result_names(response) == ["Lightweight Tokyo"]


def test_find_partners_page_rejects_unknown_filter_values(client, landscape):
    response = client.get("/en/clusters/leichtbau-sachsen/partners/?country=XX")

    assert response.status_code == 400
    assert result_names(response) == []


def test_find_partners_page_in_german(client, landscape):
    response = client.get("/de/clusters/leichtbau-sachsen/partners/")

    assert "Beide arbeiten an Leichtbau" in text(response)


def test_profile_links_to_find_partners(client, landscape):
    response = client.get("/en/clusters/leichtbau-sachsen/")

    assert 'href="/en/clusters/leichtbau-sachsen/partners/"' in response.content.decode()


def test_htmx_request_gets_only_the_results(client, landscape):
    response = client.get(
        "/en/clusters/leichtbau-sachsen/partners/", headers={"HX-Request": "true"}
    )

    assert "<html" not in response.content.decode()
    assert result_names(response) == ["Composites Lyon", "Lightweight Tokyo"]


@pytest.mark.parametrize("count", [1, 3])
def test_find_partners_page_queries_do_not_grow_with_results(client, count):
    matched_organisation(slug="home", fields=("photonics",))
    for _ in range(count):
        matched_organisation(fields=("photonics",), country="FR")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/en/clusters/home/partners/")
    assert len(result_names(response)) == count
    # the parsed profiles of the candidates: their indexing times, then those not yet parsed
    assert len(queries) == 19


def test_explorer_describes_a_visitor_without_an_account(client, landscape):
    response = client.get(
        "/en/partners/?me_country=DE&me_fields=lightweight-construction&me_seeks=testing-certification"
    )

    assert response.status_code == 200
    assert result_names(response) == ["Composites Lyon", "Lightweight Tokyo"]


def test_explorer_picks_an_organisation_by_name(client, landscape):
    response = client.get("/en/partners/?organisation=leichtbau+sachsen")

    assert result_names(response) == ["Composites Lyon", "Lightweight Tokyo"]


def test_explorer_names_the_field_when_no_organisation_matches(client, landscape):
    response = client.get("/en/partners/?organisation=nowhere")

    assert response.status_code == 400
    assert "No published organisation has this name." in text(response)
    assert 'aria-invalid="true"' in response.content.decode()


def test_organisation_without_fields_gets_a_hint(client):
    matched_organisation(slug="bare")
    response = client.get("/en/clusters/bare/partners/")

    assert "Add your fields to the profile" in text(response)


def test_compare_shows_two_candidates_side_by_side(client, landscape):
    response = client.get(
        "/en/partners/compare/?for=leichtbau-sachsen&compare=composites-lyon&compare=lightweight-tokyo"
    )

    assert response.status_code == 200
    page = text(response)
    assert "Composites Lyon Lightweight Tokyo" in page
    assert (
        "They offer Testing and certification in Lightweight construction, which you seek" in page
    )


def test_compare_needs_two_different_candidates(client, landscape):
    response = client.get("/en/partners/compare/?for=leichtbau-sachsen&compare=composites-lyon")

    assert response.status_code == 400
    assert "Pick two different organisations to compare." in text(response)


def test_visitor_bookmarks_live_in_the_session(client, landscape):
    client.post("/en/partners/bookmarks/composites-lyon/", {"next": "/en/partners/"})

    response = client.get("/en/partners/bookmarks/")
    assert "Composites Lyon" in text(response)
    assert Bookmark.objects.count() == 0


def test_signed_in_bookmarks_are_stored_and_toggle(client, landscape):
    user = User.objects.create_user(username="anna", email="anna@example.org", password="x")
    client.force_login(user)

    client.post("/en/partners/bookmarks/composites-lyon/", {"next": "https://evil.example/"})
    assert list(Bookmark.objects.values_list("user__username", "organisation__slug")) == [
        ("anna", "composites-lyon")
    ]
    client.post("/en/partners/bookmarks/composites-lyon/")
    assert Bookmark.objects.count() == 0
