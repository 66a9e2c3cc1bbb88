import pytest

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_docs_page_serves_swagger_ui_from_own_static_files(client):
    response = client.get("/api/v1/docs")

    page = response.content.decode()
    assert response.status_code == 200
    assert '<script src="/static/ninja/swagger-ui-bundle.js"></script>' in page
    assert '<link type="text/css" rel="stylesheet" href="/static/ninja/swagger-ui.css">' in page
    assert "cdn" not in page.lower()


def test_openapi_document_describes_the_api(client):
    response = client.get("/api/v1/openapi.json")

    schema = response.json()
    assert response.status_code == 200
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "clusterscape API"
    assert "/api/v1/search" in schema["paths"]


def test_openapi_document_lists_the_answers_from_around_the_handlers(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    detail = paths["/api/v1/organisations/{slug}"]["get"]["responses"]
    assert sorted(detail) == ["200", "304", "404", "422", "429"]
    assert detail["429"]["headers"]["Retry-After"]["schema"] == {"type": "integer"}
    assert sorted(paths["/api/v1/fields"]["get"]["responses"]) == ["200", "304", "429"]
    interest = paths["/api/v1/partner-requests/{request_id}/interests"]["post"]["responses"]
    assert sorted(interest) == ["201", "400", "401", "403", "404", "413", "422", "429"]


def test_every_schema_name_is_used_by_one_class_only():
    """OpenAPI components are keyed by class name: two classes of one name would make the
    document describe one of them wrongly (as RoundOut once did for the registry)."""
    from ninja import Schema

    import clusterscape.api.api  # noqa: F401 — loads every router and its schemas

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = {c for c in subclasses(Schema) if c.__module__.startswith("clusterscape.")}
    names = sorted(c.__name__ for c in ours)
    assert sorted(set(names)) == names


def test_api_description_points_to_the_guide(client):
    description = client.get("/api/v1/openapi.json").json()["info"]["description"]

    assert "docs/api.md" in description
    assert "CC BY 4.0" in description


def test_openapi_document_links_the_content_feeds_and_calendars(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    described = {
        "/api/v1/news": ["/en/news/feed/rss/", "/en/news/feed/atom/"],
        "/api/v1/events": ["/en/events/feed/rss/", "/en/events/calendar.ics"],
        "/api/v1/funding-calls": ["/en/funding-calls/feed/rss/", "/en/funding-calls/feed/atom/"],
    }

    for path, urls in described.items():
        description = paths[path]["get"]["description"]
        assert [url for url in urls if url not in description] == []
        for url in urls:
            assert client.get(url).status_code == 200, url
    assert "/en/events/calendar.ics" in schema["info"]["description"]
