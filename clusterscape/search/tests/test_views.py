import html
import re

import pytest
from django.urls import reverse

from clusterscape.search import services
from clusterscape.search.lexicon import current_analyzer

from .factories import indexed_organisation

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

BAD_QUERIES = [
    "",
    "a" * 10_000,
    '"unbalanced quote',
    'NEAR(silicon saxony) OR "x" * : -',
    "'; DROP TABLE search_searchdocument; --",
    "title:silicon AND body:*",
]


def test_search_url_is_under_the_language_prefix():
    assert reverse("search:results") == "/en/search/"


def test_search_page_shows_hits_with_snippets_and_facets(client):
    indexed_organisation(slug="optonet", name="OptoNet", fields=("photonics",), states=("DE-TH",))

    response = client.get("/en/search/", {"q": "Photonik"})

    page = response.content.decode()
    assert response.status_code == 200
    assert [hit.slug for hit in response.context["results"].hits] == ["optonet"]
    assert '<a href="/en/clusters/optonet/">OptoNet</a>' in page
    assert "<mark>Photonik</mark>" in page
    assert "<legend>German state</legend>" in page
    assert '<input type="checkbox" id="facet-state-1" name="state" value="DE-TH">' in page
    assert '<p id="search-count" role="status" aria-live="polite">1 result</p>' in page
    assert "<!DOCTYPE html>" in page


@pytest.mark.parametrize(
    ("language", "notice", "link"),
    [
        ("en", "There is no page 7: the results end on page 2.", "Go to page 2"),
        ("de", "Eine Seite 7 gibt es nicht: Die Ergebnisse enden auf Seite 2.", "Zur Seite 2"),
    ],
)
def test_a_page_past_the_end_says_where_the_results_end(client, language, notice, link):
    for number in range(3):
        indexed_organisation(slug=f"optonet-{number}", name=f"OptoNet {number}")

    response = client.get(f"/{language}/search/", {"q": "OptoNet", "page_size": 2, "page": 7})

    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert response.context["results"].hits == []
    assert notice in page
    # both ways back lead to the last page, not to the empty pages before this one
    assert f'<a href="?q=OptoNet&page_size=2&page=2">{link}</a>' in page
    assert '<a href="?q=OptoNet&page_size=2&page=2" rel="prev">' in page


def test_search_page_keeps_facet_choices_checked(client):
    indexed_organisation(name="OptoNet", fields=("photonics",), states=("DE-TH",))

    response = client.get("/en/search/", {"state": "DE-TH"})

    assert (
        '<input type="checkbox" id="facet-state-1" name="state" value="DE-TH" checked>'
        in response.content.decode()
    )


def test_search_page_speaks_german_under_de(client):
    indexed_organisation(name="OptoNet", fields=("photonics",), states=("DE-TH",))

    response = client.get("/de/search/", {"q": "OptoNet"})

    assert response.status_code == 200
    assert response.context["results"].facets["state"][0].label == "Thüringen"


def test_htmx_request_gets_only_the_results_partial(client):
    indexed_organisation(name="OptoNet", fields=("photonics",))

    response = client.get("/en/search/", {"q": "OptoNet"}, headers={"HX-Request": "true"})

    page = response.content.decode()
    assert response.status_code == 200
    assert [t.name for t in response.templates] == ["search/partials/results.html"]
    assert "<!DOCTYPE html>" not in page
    assert "OptoNet" in page


def test_pagination_links_keep_the_query(client):
    for number in range(3):
        indexed_organisation(name=f"Photonics {number}", fields=("photonics",))

    response = client.get("/en/search/", {"q": "photonics", "page_size": 2})

    assert '<a href="?q=photonics&amp;page_size=2&amp;page=2" rel="next">' in (
        response.content.decode()
    )


def test_did_you_mean_links_to_the_corrected_search(client):
    indexed_organisation(name="Silicon Saxony")

    response = client.get("/en/search/", {"q": "Silikonn"})

    assert response.context["results"].did_you_mean == "silicon"
    assert 'href="/en/search/?q=silicon"' in response.content.decode()


@pytest.mark.parametrize("q", BAD_QUERIES)
def test_bad_queries_render_a_page(client, q):
    indexed_organisation(name="Silicon Saxony")

    response = client.get("/en/search/", {"q": q})

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"lat": "91", "lon": "13"}, "lat", "Ensure this value is less than or equal to 90."),
        (
            {"lat": "51", "lon": "-181"},
            "lon",
            "Ensure this value is greater than or equal to -180.",
        ),
        ({"lat": "51"}, "lon", "Give both latitude and longitude, or neither."),
        ({"radius": "50"}, "radius", "A radius needs a city or coordinates."),
        (
            {"near": "Dresden", "radius": "5000"},
            "radius",
            "Ensure this value is less than or equal to 1000.",
        ),
        ({"near": "Qqxville"}, "near", "No city of that name is known."),
        ({"lat": "nan", "lon": "1"}, "lat", "Enter a number."),
        ({"page": "0"}, "page", "Ensure this value is greater than or equal to 1."),
        (
            {"date_from": "2026-05-02", "date_to": "2026-05-01"},
            "date_to",
            "The end date lies before the start date.",
        ),
        (
            {"sort": "'; DROP"},
            "sort",
            "Select a valid choice. '; DROP is not one of the available choices.",
        ),
    ],
)
def test_bad_parameters_are_a_400_naming_the_field(client, params, field, message):
    response = client.get("/en/search/", params)

    assert response.status_code == 400
    assert response.context["form"].errors == {field: [message]}
    assert f'<a href="#id_{field}">' in response.content.decode()


def test_bad_parameters_in_an_htmx_request_show_the_errors_in_the_partial(client):
    response = client.get("/en/search/", {"lat": "100"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_unknown_facet_values_are_ignored(client):
    indexed_organisation(name="OptoNet", states=("DE-TH",))

    response = client.get(
        "/en/search/", {"state": ["DE-TH", "XX-YY", "<script>"], "field": "no-such-field"}
    )

    assert response.status_code == 200
    assert [hit.title for hit in response.context["results"].hits] == ["OptoNet"]
    assert response.context["form"].ignored == {
        "state": ["<script>", "XX-YY"],
        "field": ["no-such-field"],
    }


def test_geo_radius_by_city_name(client):
    indexed_organisation(name="Cool Silicon", latitude=51.05, longitude=13.74)
    indexed_organisation(name="OptoNet", latitude=50.93, longitude=11.59)

    response = client.get("/en/search/", {"near": "Dresden", "radius": "50"})

    assert [hit.title for hit in response.context["results"].hits] == ["Cool Silicon"]


@pytest.mark.parametrize("count", [1, 3])
def test_search_page_query_count_does_not_grow_with_results(
    client, django_assert_num_queries, count
):
    current_analyzer()
    for number in range(count):
        indexed_organisation(name=f"Photonics {number}", fields=("photonics",), states=("DE-TH",))

    # vocabulary, hits, total with facet counts, labels (states, countries, fields at once);
    # PostgreSQL counts the matches in the index's sample first (is the search broad?), then
    # matches the text once for the hits, the total and the counts
    with django_assert_num_queries(4):
        response = client.get("/en/search/", {"q": "photonics"})

    assert response.context["results"].total == count


def test_estimated_facet_counts_are_shown_as_about(client):
    services.store_documents(
        [
            services.IndexedDocument(
                kind="organisation",
                object_id=number,
                slug=f"hydrogen-{number}",
                title=f"Hydrogen network {number}",
                facets=[("country", "DE")],
            )
            for number in range(1_001)
        ]
    )

    response = client.get("/en/search/", {"q": "hydrogen"})

    content = response.content.decode()
    assert response.context["results"].facets_estimated is True
    assert "the counts are estimated from a sample of them" in content
    assert '<span class="facet-count">(about ' in content


def test_a_long_facet_shows_its_most_frequent_values_and_the_chosen_one_with_a_link_to_all(
    client,
):
    for year in range(2001, 2023):  # 22 rounds of one programme
        indexed_organisation(name=f"Cluster {year}", programmes=(("go-cluster", year),))
    indexed_organisation(name="Second of 2022", programmes=(("go-cluster", 2022),))

    page = client.get("/en/search/", {"round": "go-cluster:2020", "page": "1"}).content.decode()

    rounds = re.findall(r'name="round" value="go-cluster:(\d+)"', page)
    # the most frequent first, then by name; the chosen round although it is not among them
    assert rounds == ["2022", *map(str, range(2001, 2012)), "2020"]
    link = re.search(r'<a href="\?([^"]+)"[^>]*>Show all 22 values of “([^”]+)”</a>', page)
    assert link is not None, "no link to the whole list"
    assert "more=round" in link.group(1)
    assert "page=" not in link.group(1)

    expanded = client.get(f"/en/search/?{html.unescape(link.group(1))}").content.decode()

    assert len(re.findall(r'name="round" value="go-cluster:', expanded)) == 22
    assert '<input type="hidden" name="more" value="round">' in expanded
    fewer = re.search(r'<a href="\?([^"]+)"[^>]*>Show fewer values of “[^”]+”</a>', expanded)
    assert fewer is not None
    assert "more=round" not in fewer.group(1)
    assert "round=go-cluster%3A2020" in fewer.group(1)


def test_facets_of_up_to_twenty_values_are_shown_whole(client):
    for year in range(2001, 2021):
        indexed_organisation(name=f"Cluster {year}", programmes=(("go-cluster", year),))

    page = client.get("/de/search/", {"q": "Cluster"}).content.decode()

    assert len(re.findall(r'name="round" value="go-cluster:', page)) == 20
    assert "Alle " not in page
    assert "more=" not in page
