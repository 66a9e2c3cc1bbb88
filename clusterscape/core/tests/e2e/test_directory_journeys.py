"""The directory in a real browser: search and filter with live updates, the list/map toggle,
paging with the keyboard only, and the same journey without JavaScript; axe-core and
screenshots in both languages."""

import pytest

from .support import E2E, assert_no_axe_violations, save_screenshot, wait_for_map

pytestmark = E2E


def hit_titles(page) -> list[str]:
    return page.locator(".hit-title a").all_inner_texts()


def test_directory_search_and_facets_update_live_and_keep_the_url(indexed, page):
    page.goto("/en/clusters/?sort=name")
    assert hit_titles(page) == [o.display_name for o in indexed.all]
    assert_no_axe_violations(page)
    save_screenshot(page, "directory-en")

    page.get_by_label("Name, field, place or keyword").fill("Stuttgart")
    page.locator("#search-count").filter(has_text="1 result").wait_for()
    assert hit_titles(page) == ["ARENA2036"]
    assert "q=Stuttgart" in page.url

    page.get_by_label("Name, field, place or keyword").fill("")
    page.locator("#search-count").filter(has_text=f"{len(indexed.all)} results").wait_for()
    page.get_by_label("Saxony (1)").check()
    page.locator("#search-count").filter(has_text="1 result").wait_for()
    assert hit_titles(page) == ["Silicon Saxony"]
    assert "state=DE-SN" in page.url

    page.get_by_role("link", name="Map").click()
    wait_for_map(page, "directory-map")
    assert "view=map" in page.url
    assert page.locator("#directory-map .leaflet-marker-icon").count() == 1


def test_directory_works_without_javascript_in_german(indexed, page_without_js):
    page = page_without_js
    page.goto("/de/clusters/")
    page.get_by_label("Name, Themenfeld, Ort oder Schlagwort").fill("Paris")
    page.get_by_role("button", name="Suche").click()
    page.wait_for_url("**/de/clusters/?q=Paris**")
    assert hit_titles(page) == ["Systematic Paris-Region"]

    page.goto("/de/clusters/")
    page.get_by_label("Baden-Württemberg (1)").check()
    page.get_by_role("button", name="Filter anwenden").click()
    page.wait_for_url("**state=DE-BW**")  # the click waits only for the new page to start
    assert hit_titles(page) == ["ARENA2036"]


def test_directory_pages_with_the_keyboard_only(indexed, page):
    page.goto("/en/clusters/?sort=name&page_size=2")
    assert hit_titles(page) == [o.display_name for o in indexed.all[:2]]

    for _ in range(300):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('rel')") == "next":
            break
    else:
        pytest.fail("the next-page link is not reachable with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**page=2**")
    assert hit_titles(page) == [o.display_name for o in indexed.all[2:4]]


def test_directory_in_german_passes_axe_as_list_and_map(indexed, page):
    page.goto("/de/clusters/?view=map")
    wait_for_map(page, "directory-map")
    assert_no_axe_violations(page)
    save_screenshot(page, "directory-map-de")
    page.goto("/de/clusters/?q=Paris")
    assert hit_titles(page) == ["Systematic Paris-Region"]
    assert_no_axe_violations(page)
    save_screenshot(page, "directory-de")
