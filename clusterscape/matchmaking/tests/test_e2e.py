"""Browser journey: open a profile → find partners → see reasons → compare, with axe-core in
both languages and without JavaScript."""

import pytest

from clusterscape.core.tests.e2e.support import E2E, assert_no_axe_violations, save_screenshot

from .factories import matched_organisation

pytestmark = E2E


@pytest.fixture
def partners() -> dict[str, str]:
    matched_organisation(
        name="Leichtbau Sachsen",
        slug="leichtbau-sachsen",
        fields=("lightweight-construction",),
        seeks=(("lightweight-construction", "testing-certification"),),
        targets=("FR",),
    )
    matched_organisation(
        name="Composites Lyon",
        slug="composites-lyon",
        country="FR",
        fields=("lightweight-construction",),
        offers=(("lightweight-construction", "testing-certification"),),
        targets=("DE",),
        website="https://composites.example.org/",
    )
    matched_organisation(
        name="Lightweight Tokyo",
        slug="lightweight-tokyo",
        country="JP",
        fields=("lightweight-construction",),
    )
    return {"first": "Composites Lyon", "second": "Lightweight Tokyo"}


def test_profile_to_partners_to_comparison(partners, page):
    page.goto("/en/clusters/leichtbau-sachsen/")
    page.get_by_role("link", name="Find partners", exact=True).last.click()
    # the new page, and its stylesheet: inner_text follows the layout ("Why:" is a line of
    # its own); the click waits only for the new page to start
    page.wait_for_url("**/en/clusters/leichtbau-sachsen/partners/", wait_until="load")
    assert page.locator("h1").inner_text() == "Partners for Leichtbau Sachsen"
    assert page.locator(".match-title").all_inner_texts() == [
        partners["first"],
        partners["second"],
    ]
    assert page.locator(".match-reasons").first.inner_text() == (
        "Why:\nBoth work on Lightweight construction; they offer Testing and certification in "
        "Lightweight construction, which you seek; they look for partners in Germany; "
        "you look for partners in France"
    )
    assert_no_axe_violations(page)
    save_screenshot(page, "matchmaking-partners-en")

    page.get_by_label("Compare: Composites Lyon").check()
    page.get_by_label("Compare: Lightweight Tokyo").check()
    page.get_by_role("button", name="Compare the two ticked").click()
    page.wait_for_url("**/en/partners/compare/**")  # the click waits only for it to start
    assert page.locator("h1").inner_text() == "Compare partners"
    assert page.locator("thead th").all_inner_texts() == [partners["first"], partners["second"]]
    assert_no_axe_violations(page)
    save_screenshot(page, "matchmaking-compare-en")


def test_partners_in_german_pass_axe(partners, page):
    page.goto("/de/clusters/leichtbau-sachsen/partners/")
    assert page.locator("h1").inner_text() == "Partner für Leichtbau Sachsen"
    assert (
        page.locator(".match-reasons")
        .first.inner_text()
        .startswith("Warum:\nBeide arbeiten an Leichtbau; sie bieten Prüfung und Zertifizierung")
    )
    assert_no_axe_violations(page)
    page.goto("/de/partners/")
    assert_no_axe_violations(page)
    save_screenshot(page, "matchmaking-explorer-de")


def test_filters_and_comparison_work_without_javascript(partners, page_without_js):
    page = page_without_js
    page.goto("/en/clusters/leichtbau-sachsen/partners/")
    page.get_by_label("Country").select_option("JP")
    page.get_by_role("button", name="Show partners").click()
    page.wait_for_url("**country=JP**")  # the click waits only for the new page to start
    assert page.locator(".match-title").all_inner_texts() == [partners["second"]]

    page.goto("/en/clusters/leichtbau-sachsen/partners/")
    page.get_by_label("Compare: Composites Lyon").check()
    page.get_by_label("Compare: Lightweight Tokyo").check()
    page.get_by_role("button", name="Compare the two ticked").click()
    page.wait_for_url("**/en/partners/compare/**")  # the click waits only for it to start
    assert page.locator("h1").inner_text() == "Compare partners"
