import pytest

from clusterscape.search import services

from .factories import indexed_organisation

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def optonet():
    return indexed_organisation(
        slug="optonet",
        name="OptoNet",
        fields=("photonics",),
        states=("DE-TH",),
        latitude=50.93,
        longitude=11.59,
    )


def test_api_search_returns_hits_total_and_facets(client, optonet):
    response = client.get("/api/v1/search", {"q": "Photonik", "state": "DE-TH"})

    body = response.json()
    assert response.status_code == 200
    assert (body["q"], body["total"], body["page"], body["page_size"], body["pages"]) == (
        "Photonik",
        1,
        1,
        20,
        1,
    )
    assert body["hits"] == [
        {
            "kind": "organisation",
            "object_id": optonet.pk,
            "slug": "optonet",
            "title": "OptoNet",
            "short_name": "",
            "url": "/de/clusters/optonet/",
            "snippet": body["hits"][0]["snippet"],
            "score": body["hits"][0]["score"],
            "latitude": 50.93,
            "longitude": 11.59,
            "date_start": None,
        }
    ]
    assert "<mark>Photonik</mark>" in body["hits"][0]["snippet"]
    assert body["facets"]["state"] == [
        {"value": "DE-TH", "label": "Thüringen", "count": 1, "selected": True}
    ]
    assert (body["did_you_mean"], body["relaxed"], body["ignored"]) == (None, False, {})
    assert body["facets_estimated"] is False


def test_api_speaks_the_requested_language(client, optonet):
    response = client.get("/api/v1/search", {"state": "DE-TH"}, headers={"Accept-Language": "en"})

    assert response.json()["facets"]["state"][0]["label"] == "Thuringia"
    assert response.json()["hits"][0]["url"] == "/en/clusters/optonet/"


def test_api_reports_ignored_filter_values(client, optonet):
    response = client.get("/api/v1/search", {"country": ["DE", "ZZ"], "field": "bogus"})

    assert response.status_code == 200
    assert response.json()["total"] == 1
    assert response.json()["ignored"] == {"country": ["ZZ"], "field": ["bogus"]}


def test_api_did_you_mean(client, optonet):
    response = client.get("/api/v1/search", {"q": "Obtonett"})

    assert (response.json()["total"], response.json()["did_you_mean"]) == (0, "optonet")


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({"lat": "95", "lon": "10"}, {"lat": ["Ensure this value is less than or equal to 90."]}),
        ({"radius": "10"}, {"radius": ["A radius needs a city or coordinates."]}),
        ({"near": "Qqxville"}, {"near": ["No city of that name is known."]}),
    ],
)
def test_api_bad_parameters_are_a_400_with_messages(client, params, errors):
    response = client.get("/api/v1/search", params, headers={"Accept-Language": "en"})

    assert response.status_code == 400
    assert response.json() == {"detail": "The search parameters are not valid.", "errors": errors}


def test_api_parameters_of_the_wrong_type_are_a_422(client):
    response = client.get("/api/v1/search", {"lat": "north"}, headers={"Accept-Language": "en"})

    assert response.status_code == 422
    assert response.json() == {
        "detail": "The request is not valid.",
        "errors": {"lat": ["Input should be a valid number, unable to parse string as a number"]},
    }


@pytest.mark.parametrize(
    "q",
    [
        "",
        "x" * 10_000,
        '"',
        'NEAR(a b) "c" * : - (',
        "1; SELECT * FROM accounts_user; --",
        "' OR '1'='1",
    ],
)
def test_api_bad_queries_give_a_result(client, optonet, q):
    response = client.get("/api/v1/search", {"q": q})

    assert response.status_code == 200
    assert response.json()["total"] in (0, 1)


def test_api_page_size_is_capped(client, optonet):
    response = client.get("/api/v1/search", {"page_size": 5000})

    assert response.json()["page_size"] == 100


def test_api_suggest_returns_fields_and_names(client, optonet):
    response = client.get(
        "/api/v1/search/suggest", {"q": "opto"}, headers={"Accept-Language": "en"}
    )

    assert response.status_code == 200
    assert response.json() == [
        {
            "kind": "organisation",
            "label": "OptoNet",
            "value": "optonet",
            "url": "/en/clusters/optonet/",
        }
    ]


def test_api_suggest_with_nothing_typed_is_empty(client):
    response = client.get("/api/v1/search/suggest", {"q": ""})

    assert (response.status_code, response.json()) == (200, [])


def test_openapi_schema_lists_the_search_endpoints(client):
    response = client.get("/api/v1/openapi.json")

    schema = response.json()
    assert response.status_code == 200
    assert (schema["info"]["title"], schema["info"]["version"]) == ("clusterscape API", "1")
    assert sorted(path for path in schema["paths"] if path.startswith("/api/v1/search")) == [
        "/api/v1/search",
        "/api/v1/search/suggest",
    ]


def test_api_says_when_facet_counts_are_estimates(client):
    services.store_documents(
        [
            services.IndexedDocument(
                kind="event",
                object_id=number,
                slug=f"event-{number}",
                title=f"Hydrogen day {number}",
                facets=[("country", "DE")],
            )
            for number in range(1_001)
        ]
    )

    # sorted by name, every match is read and the total is exact (by relevance a search of
    # 1,001 matches may be broad, by which ids its sample holds)
    body = client.get("/api/v1/search", {"q": "hydrogen", "sort": "name"}).json()

    assert (body["total"], body["total_estimated"], body["facets_estimated"]) == (
        1_001,
        False,
        True,
    )
