"""The pages' scripts work under the site's own Content-Security-Policy (scripts only from the
site, no inline scripts, no eval), as visitors' browsers enforce it: the map, the directory's
live updates and the API's interactive docs. Anything the policy refuses fails the test."""

from .support import E2E, wait_for_map

pytestmark = E2E


def test_home_map_draws_under_the_policy(page_with_csp, landscape):
    response = page_with_csp.goto("/en/")

    assert "script-src 'self'" in response.headers["content-security-policy"]
    wait_for_map(page_with_csp)
    assert page_with_csp.locator(".leaflet-marker-icon").count() == len(landscape.on_map)


def test_directory_updates_live_under_the_policy(indexed, page_with_csp):
    page_with_csp.goto("/en/clusters/?sort=name")

    page_with_csp.get_by_label("Name, field, place or keyword").fill("Stuttgart")
    page_with_csp.locator("#search-count").filter(has_text="1 result").wait_for()
    assert page_with_csp.locator(".hit-title a").all_inner_texts() == ["ARENA2036"]
    assert "q=Stuttgart" in page_with_csp.url


def test_api_docs_render_the_operations_under_the_policy(page_with_csp):
    page_with_csp.goto("/api/v1/docs")

    operations = page_with_csp.locator(".opblock-summary-path")
    operations.first.wait_for()
    assert "/api/v1/organisations" in operations.all_inner_texts()
