"""Helpers of the browser tests; the fixtures are in conftest.py, which says how to use both."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page

BUILD_DIR = Path(settings.BASE_DIR) / "var" / "build"
AXE = BUILD_DIR / "test" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Marks a browser test: `e2e`, and a transactional database (the live server answers from
# another thread) restored from the migrated state, so countries, states and fields are there.
E2E = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def assert_no_axe_violations(page: Page) -> None:
    page.add_script_tag(path=AXE)
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA
    )
    violations = [
        f"{violation['id']}: {violation['help']} at "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"])
        for violation in results["violations"]
    ]
    assert violations == [], "\n".join(violations)


def save_screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


def wait_for_map(page: Page, map_id: str = "map") -> None:
    page.locator(f"#{map_id}[data-ready='true']").wait_for()
