"""Issue 3: every page type is at most 300 KB transferred, with everything it loads (the
map's library, outlines and markers included), as production serves it: WhiteNoise sends
static files compressed (collectstatic writes gzip and brotli copies; gzip is counted, the
larger), the markers come gzipped from the view, pages as they are."""

import gzip

import pytest
from playwright.sync_api import Page, Request

from .support import E2E, wait_for_map

pytestmark = E2E

LIMIT = 300 * 1000  # bytes
PAGES = {
    "home": ("/{lang}/", "map"),
    "directory": ("/{lang}/clusters/", None),
    "directory map": ("/{lang}/clusters/?view=map", "directory-map"),
    "profile": ("/{lang}/clusters/{slug}/", "location"),
    "state": ("/{lang}/states/baden-wuerttemberg/", "map"),
    "field": ("/{lang}/fields/mobility/", "map"),
    "search": ("/{lang}/search/?q=cluster", None),
}


def transferred(request: Request) -> int:
    """Bytes of the response on the wire: its headers and its body, static files compressed
    as WhiteNoise serves them."""
    sizes = request.sizes()
    response = request.response()
    body = response.body() if response is not None else b""
    if "/static/" in request.url and response is not None:
        body_size = len(gzip.compress(body, compresslevel=9))
    else:
        body_size = sizes["responseBodySize"]
    return sizes["responseHeadersSize"] + body_size


def weigh(page: Page, path: str, map_id: str | None) -> tuple[int, list[str]]:
    finished: list[Request] = []

    def keep(request: Request) -> None:
        finished.append(request)

    page.on("requestfinished", keep)
    page.goto(path)
    if map_id:
        wait_for_map(page, map_id)
    page.wait_for_load_state("networkidle")
    page.remove_listener("requestfinished", keep)
    return sum(transferred(request) for request in finished), [r.url for r in finished]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_every_page_type_is_at_most_300_kb_with_what_it_loads(indexed, page, lang):
    weights = {}
    for name, (path, map_id) in PAGES.items():
        total, urls = weigh(page, path.format(lang=lang, slug=indexed.stuttgart.slug), map_id)
        if map_id:  # the map's parts are counted
            assert any(url.endswith("outlines.json") for url in urls), name
        weights[name] = total
    assert {name: weight for name, weight in weights.items() if weight > LIMIT} == {}, weights
