import pytest

from clusterscape.search.tests.factories import indexed_organisation

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def landscape():
    return {
        "arena": indexed_organisation(
            slug="arena2036",
            name="ARENA2036",
            city="Stuttgart",
            latitude=48.78,
            longitude=9.18,
            location_precision="city",
            fields=("lightweight-construction", "automotive"),
            states=("DE-BW",),
        ),
        "merge": indexed_organisation(
            slug="merge",
            name="MERGE Leichtbau",
            city="Chemnitz",
            fields=("lightweight-construction",),
            states=("DE-SN",),
        ),
        "biorn": indexed_organisation(
            slug="biorn",
            name="BioRN",
            city="Heidelberg",
            fields=("biotechnology",),
            states=("DE-BW",),
        ),
    }


def hit_slugs(response) -> list[str]:
    return [hit.slug for hit in response.context["results"].hits]


def test_directory_lists_every_organisation_by_default(client, landscape):
    response = client.get("/en/clusters/", {"sort": "name"})

    assert response.status_code == 200
    assert hit_slugs(response) == ["arena2036", "biorn", "merge"]


def test_directory_combines_query_and_facets_with_counts(client, landscape):
    response = client.get("/en/clusters/", {"q": "Leichtbau", "state": "DE-SN"})

    assert hit_slugs(response) == ["merge"]
    facets = {group["name"]: group for group in response.context["facet_groups"]}
    # the state facet counts the query's hits in every state, not only the chosen one
    assert [(v.value, v.count, v.selected) for v in facets["state"]["values"]] == [
        ("DE-BW", 1, False),
        ("DE-SN", 1, True),
    ]
    assert "type" not in facets


def test_directory_htmx_request_gets_only_the_results(client, landscape):
    response = client.get("/en/clusters/", {"q": "biorn"}, headers={"hx-request": "true"})

    page = response.content.decode()
    assert response.templates[0].name == "registry/partials/directory_results.html"
    assert "<html" not in page
    assert '<a href="/en/clusters/biorn/">BioRN</a>' in page


def test_directory_map_view_loads_markers_of_all_results(client, landscape):
    response = client.get("/en/clusters/", {"state": "DE-BW", "view": "map", "page": "2"})

    page = response.content.decode()
    assert '<div class="map" id="directory-map"' in page
    assert 'data-markers-url="/en/clusters/map.json?state=DE-BW"' in page
    assert '<a href="?state=DE-BW&amp;view=list"' in page


def test_map_markers_of_a_search_are_its_results_with_coordinates(client, landscape):
    response = client.get("/en/clusters/map.json", {"state": "DE-BW", "sort": "name"})

    # BioRN has no coordinates and its state no centre in the test database
    assert response.status_code == 200
    assert [marker[4] for marker in response.json()["markers"]] == ["arena2036"]
    everything = client.get("/en/clusters/map.json", {"q": "Leichtbau"}).json()
    assert [marker[3] for marker in everything["markers"]] == ["ARENA2036"]


def test_map_markers_reject_bad_search_parameters(client, landscape):
    response = client.get("/en/clusters/map.json", {"radius": "-4", "lat": "50", "lon": "10"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["radius"]


def test_directory_unknown_view_falls_back_to_list(client, landscape):
    response = client.get("/en/clusters/", {"view": "<script>"})

    assert response.context["view"] == "list"
    assert "markers_url" not in response.context


def test_directory_bad_radius_is_a_400_naming_the_field(client, landscape):
    response = client.get("/en/clusters/", {"radius": "-4"})

    assert response.status_code == 400
    assert response.context["errors"] == [
        ("Radius (km)", "id_radius", "Ensure this value is greater than or equal to 0.1.")
    ]


@pytest.mark.parametrize("count", [1, 3])
def test_directory_query_count_does_not_grow_with_results(client, django_assert_num_queries, count):
    for index in range(count):
        indexed_organisation(slug=f"cluster-{index}", name=f"Cluster {index}", states=("DE-BY",))

    with django_assert_num_queries(DIRECTORY_QUERIES):
        response = client.get("/en/clusters/", {"state": "DE-BY"})

    assert len(response.context["results"].hits) == count


# the names of the reference data (once per state of the data: the known-values check of
# the filter and the facets' labels read them), the page of hits, totals with facet counts
DIRECTORY_QUERIES = 4


def test_the_unfiltered_directory_is_computed_once_per_state_of_the_data(
    client, landscape, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    from clusterscape.registry import services
    from clusterscape.registry.models import Organisation

    client.get("/en/clusters/")
    with django_assert_max_num_queries(DIRECTORY_QUERIES - 2):  # no hits, counts or labels
        again = client.get("/en/clusters/")
    assert sorted(hit_slugs(again)) == ["arena2036", "biorn", "merge"]
    assert client.get("/en/clusters/", {"state": "DE-SN"}).context["results"].total == 1

    newcomer = indexed_organisation(slug="newcomer", status=Organisation.Status.DRAFT)
    assert "newcomer" not in hit_slugs(client.get("/en/clusters/"))
    with django_capture_on_commit_callbacks(execute=True):  # the write commits
        services.set_organisation_status(newcomer, status=Organisation.Status.PUBLISHED, by=None)

    assert "newcomer" in hit_slugs(client.get("/en/clusters/"))
