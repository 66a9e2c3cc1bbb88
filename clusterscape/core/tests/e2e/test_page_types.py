"""Every other page type in both languages: axe-core finds no WCAG 2.1 A/AA violation, and a
screenshot is kept (test-artifacts/screenshots/)."""

import pytest

from .support import E2E, assert_no_axe_violations, save_screenshot

pytestmark = E2E

PAGES = {
    "states": "/{lang}/states/",
    "state": "/{lang}/states/baden-wuerttemberg/",
    "fields": "/{lang}/fields/",
    "field": "/{lang}/fields/mobility/",
    "programmes": "/{lang}/programmes/",
    "programme": "/{lang}/programmes/spitzencluster/",
    "about-data": "/{lang}/about/data/",
    "search": "/{lang}/search/?q=cluster",
}


@pytest.mark.parametrize("lang", ["de", "en"])
def test_page_types_pass_axe(indexed, page, lang):
    for name, path in PAGES.items():
        response = page.goto(path.format(lang=lang))
        assert (name, response.status) == (name, 200)
        assert page.locator("html").get_attribute("lang") == lang
        assert_no_axe_violations(page)
        save_screenshot(page, f"{name}-{lang}")
