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
