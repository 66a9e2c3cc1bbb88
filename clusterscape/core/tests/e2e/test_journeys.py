"""The visitor's critical journeys in a real browser: the landscape on the home page, the map
with the keyboard, a profile and its language switch; the same without JavaScript; axe-core
and screenshots of every page type in both languages."""

import re

import pytest
from playwright.sync_api import Page

from .support import E2E, assert_no_axe_violations, save_screenshot, wait_for_map

pytestmark = E2E


def focused(page: Page) -> dict:
    """The focused element: tag, classes, text and (for links) path."""
    return page.evaluate(
        """() => {
            const element = document.activeElement;
            return {
                tag: element.tagName.toLowerCase(),
                id: element.id,
                classes: Array.from(element.classList),
                text: element.textContent.trim(),
                path: element.pathname || "",
            };
        }"""
    )


def tab_until(page: Page, condition, limit: int = 200) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if condition(element):
            return element
    pytest.fail(f"no element matched after {limit} presses of Tab")


def test_home_map_works_with_the_keyboard_and_leads_to_a_profile(page, landscape):
    page.goto("/en/")
    assert page.locator("h1").inner_text() == "The cluster landscape"
    assert page.locator(".figures li").first.inner_text() == "5\norganisations"
    wait_for_map(page)
    assert page.locator(".map-places").get_attribute("open") is None
    names = {organisation.display_name: organisation for organisation in landscape.on_map}
    assert page.locator(".leaflet-marker-icon").count() == len(names)

    tab_until(page, lambda element: element["classes"] == ["map-skip"])
    assert page.locator(".map-skip").bounding_box()["x"] >= 0
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "map"
    zoom = int(page.locator("#map").get_attribute("data-zoom"))
    page.keyboard.press("+")
    page.locator(f"#map[data-zoom='{zoom + 1}']").wait_for()
    page.keyboard.press("-")
    page.locator(f"#map[data-zoom='{zoom}']").wait_for()

    marker = tab_until(page, lambda element: "leaflet-marker-icon" in element["classes"])
    name = marker["text"].removesuffix(", approximate location")
    assert name in names
    page.keyboard.press("Enter")
    link = focused(page)
    assert (link["tag"], link["text"], link["path"]) == (
        "a",
        name,
        names[name].get_absolute_url(),
    )
    page.keyboard.press("Escape")
    assert focused(page)["text"] == marker["text"]
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{names[name].get_absolute_url()}")
    assert page.locator("h1").inner_text() == name


def test_profile_opens_from_the_map_and_switches_language_in_place(page, landscape):
    stuttgart = landscape.stuttgart
    page.goto("/en/")
    wait_for_map(page)
    page.get_by_role("button", name=stuttgart.name, exact=True).click()
    page.locator(".leaflet-popup").get_by_role("link", name=stuttgart.name).click()
    page.wait_for_url(f"**/en/clusters/{stuttgart.slug}/")
    assert page.locator("h1").inner_text() == "ARENA2036"
    assert page.get_by_text(stuttgart.description_en).count() == 1

    page.get_by_role("navigation", name="Language").get_by_role("link", name="Deutsch").click()

    page.wait_for_url(f"**/de/clusters/{stuttgart.slug}/")
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator("h1").inner_text() == "ARENA2036"
    assert page.get_by_text(stuttgart.description_de).count() == 1


def test_journeys_work_without_javascript(indexed, page_without_js):
    landscape = indexed
    page = page_without_js
    page.goto("/en/")
    assert [page.locator(selector).is_hidden() for selector in ("#map", ".map-skip")] == [
        True,
        True,
    ]
    places = page.locator("#map-places")
    assert places.get_attribute("open") == ""
    assert places.locator("tbody tr").all_inner_texts() == ["Germany\t4", "France\t1"]

    places.get_by_role("link", name="France").click()
    page.wait_for_url("**/en/clusters/?country=FR")
    page.get_by_role("link", name=landscape.paris.name).click()
    page.wait_for_url(f"**/en/clusters/{landscape.paris.slug}/")
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Deutsch").click()
    page.wait_for_url(f"**/de/clusters/{landscape.paris.slug}/")
    assert page.locator("h1").inner_text() == landscape.paris.name


@pytest.mark.parametrize("language", ["de", "en"])
def test_page_types_pass_axe_in_both_languages(page, landscape, language):
    page.goto(f"/{language}/")
    wait_for_map(page)
    assert_no_axe_violations(page)
    save_screenshot(page, f"home-{language}")

    page.goto(landscape.stuttgart.get_absolute_url().replace("/en/", f"/{language}/"))
    assert re.fullmatch(r"ARENA2036", page.locator("h1").inner_text())
    assert_no_axe_violations(page)
    save_screenshot(page, f"profile-{language}")
