"""Browser tests: Playwright drives Debian's chromium (/usr/bin/chromium, headless) against
pytest-django's live_server. `make test` builds the assets and installs chromium first;
Playwright's own browser download (`playwright install`) is never used.

A journey for a new page is a few lines in a test module of this folder:

    from .support import E2E, assert_no_axe_violations, save_screenshot

    pytestmark = E2E

    def test_directory_filters_by_state(page, landscape):
        page.goto("/en/clusters/?state=DE-BW")
        assert page.locator("h1").inner_text() == "Clusters"
        assert_no_axe_violations(page)
        save_screenshot(page, "directory-en")

Fixtures (here) and helpers (support.py):
- `page`: a new page with JavaScript on, its base URL the live server (so
  `page.goto("/en/")` works); `page_without_js`: the same with JavaScript off. Both fail the
  test when the page requests anything outside the live server (no CDN, no tiles) or raises
  a JavaScript error.
- `landscape`: a few published organisations made with the registry factories (see
  Landscape); the reference data seeded by migrations is there too, because E2E restores it
  (`serialized_rollback=True`).
- `assert_no_axe_violations(page)`: runs axe-core (from the npm package, built into
  var/build/test/) with the WCAG 2.1 A and AA rules and asserts there is no violation.
- `save_screenshot(page, name)`: a full-page PNG in test-artifacts/screenshots/ (git-ignored).
- `wait_for_map(page)`: waits until core/map.js has drawn the map and its outlines.

The database is written before the browser starts and flushed after it stops (see
`browser`): make further data in a fixture listed before `page` in the test's arguments
(`def test_x(programmes, page)`), and don't query the ORM in the test body; read what the
data fixtures returned instead.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, Request, Route, sync_playwright

from clusterscape.registry.models import Field, Organisation, State
from clusterscape.registry.tests.factories import (
    OrganisationFactory,
    ProgrammeFactory,
    ProgrammeMembershipFactory,
)
from clusterscape.search import services as search_services

from .support import AXE, BUILD_DIR

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture
def browser(live_server, landscape) -> Iterator[Browser]:
    """A headless chromium for one test, started after the live server and the test's data
    and stopped before pytest-django flushes the database.

    Not one browser for the session: while Playwright's sync API runs, it marks an asyncio
    loop as running in the test's thread (playwright/_impl/_greenlets.py), and Django then
    takes that thread for async code: the ORM refuses to work (SynchronousOnlyOperation), and
    the thread's database connection is swapped for a context-local one (asgiref's
    thread-critical Local), which loses the serialised state of the test database. So all
    database work of a test happens before or after its browser runs."""
    if not AXE.is_file() or BUILD_DIR / "static" not in settings.STATICFILES_DIRS:
        pytest.fail("the front-end assets are not built: run `make assets`")
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def _open_page(
    browser: Browser, base_url: str, *, javascript: bool, enforce_csp: bool = False
) -> Iterator[Page]:
    context = browser.new_context(
        base_url=base_url,
        java_script_enabled=javascript,
        viewport={"width": 1280, "height": 900},
        # axe-core is injected as a script of the test, which the site's
        # Content-Security-Policy refuses; `page_with_csp` keeps the policy instead.
        bypass_csp=not enforce_csp,
    )
    context.set_default_timeout(10_000)
    outside: list[str] = []
    errors: list[str] = []

    def refuse(route: Route, request: Request) -> None:
        outside.append(request.url)
        route.abort()

    context.route(lambda url: not url.startswith(base_url), refuse)
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()
    assert outside == [], "the page requested something outside the site"
    assert errors == [], "the page raised JavaScript errors"
    assert refused == [], "the Content-Security-Policy refused something the page needs"


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    yield from _open_page(browser, live_server.url, javascript=True)


@pytest.fixture
def page_with_csp(browser: Browser, live_server) -> Iterator[Page]:
    """A page with JavaScript under the site's own Content-Security-Policy, as visitors get
    it: anything the policy refuses fails the test (axe-core cannot be injected here)."""
    yield from _open_page(browser, live_server.url, javascript=True, enforce_csp=True)


@pytest.fixture
def page_without_js(browser: Browser, live_server) -> Iterator[Page]:
    yield from _open_page(browser, live_server.url, javascript=False)


@dataclass
class Landscape:
    """Organisations of the journeys: three placed in a city (far enough apart that the map
    shows them as single markers), one placed approximately, one without coordinates."""

    stuttgart: Organisation
    berlin: Organisation
    paris: Organisation
    saxony: Organisation
    cologne: Organisation

    @property
    def all(self) -> list[Organisation]:
        return sorted(
            [self.stuttgart, self.berlin, self.paris, self.saxony, self.cologne],
            key=lambda organisation: organisation.name,
        )

    @property
    def on_map(self) -> list[Organisation]:
        return [o for o in self.all if o.latitude is not None]


def _organisation(state: str | None, **kwargs) -> Organisation:
    organisation = OrganisationFactory(**kwargs)
    if state:
        organisation.states.set([State.objects.get(code=state)])
        organisation.fields.set([Field.objects.get(slug="automotive")])
    return organisation


@pytest.fixture
def landscape() -> Landscape:
    stuttgart = _organisation(
        "DE-BW",
        slug="arena2036",
        name="ARENA2036",
        city="Stuttgart",
        latitude=48.7823,
        longitude=9.177,
        location_precision=Organisation.Precision.CITY,
        description_en="Research campus for the production of the future.",
        description_de="Forschungscampus für die Produktion der Zukunft.",
    )
    ProgrammeMembershipFactory(
        organisation=stuttgart,
        programme=ProgrammeFactory(
            slug="spitzencluster", name_de="Spitzencluster", name_en="Leading-Edge Clusters"
        ),
        year=2012,
    )
    return Landscape(
        stuttgart=stuttgart,
        berlin=_organisation(
            "DE-BE",
            slug="berlin-partner",
            name="Berlin Health Cluster",
            city="Berlin",
            latitude=52.52,
            longitude=13.405,
            location_precision=Organisation.Precision.CITY,
        ),
        paris=_organisation(
            None,
            slug="systematic-paris-region",
            name="Systematic Paris-Region",
            kind=Organisation.Kind.INTERNATIONAL_PARTNER,
            country_id="FR",
            city="Paris",
            latitude=48.8566,
            longitude=2.3522,
            location_precision=Organisation.Precision.CITY,
        ),
        saxony=_organisation(
            "DE-SN",
            slug="silicon-saxony",
            name="Silicon Saxony",
            latitude=51.05,
            longitude=13.35,
            location_precision=Organisation.Precision.STATE,
        ),
        cologne=_organisation("DE-NW", slug="cologne-media", name="Cologne Media Network"),
    )


@pytest.fixture
def indexed(landscape: Landscape) -> Landscape:
    """The journeys' organisations in the search index, as the registry's services leave
    them (list it before `page`, so it runs before the browser starts)."""
    for organisation in landscape.all:
        search_services.index_organisation(organisation)
    return landscape
