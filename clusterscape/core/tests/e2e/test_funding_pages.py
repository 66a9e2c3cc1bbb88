"""The funding programme's public pages in a real browser, in both languages: the schedule
(Gantt chart with its table) and the indicators (charts, map of partner countries) pass
axe-core with no WCAG 2.1 A/AA violation, with and without JavaScript."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest

from clusterscape.funding.models import Partnership
from clusterscape.funding.tests.factories import (
    DatedGrantFactory,
    FundingProgrammeFactory,
    GrantFactory,
    MilestoneFactory,
    PartnershipFactory,
    RoundFactory,
)

from .support import E2E, assert_no_axe_violations, save_screenshot, wait_for_map

pytestmark = E2E


@dataclass
class Funding:
    slug: str
    dated: str
    undated: str


@pytest.fixture
def funding(landscape) -> Funding:
    programme = FundingProgrammeFactory(
        slug="interspin", name_en="Internationalisation", name_de="Internationalisierung"
    )
    first = RoundFactory(programme=programme, year=2015)
    second = RoundFactory(programme=programme, year=2016)
    grant = DatedGrantFactory(
        application__round=first, application__organisation=landscape.stuttgart
    )
    MilestoneFactory(
        grant=grant, title="Internationalisation concept", due_on=datetime.date(2017, 11, 30)
    )
    PartnershipFactory(
        grant=grant,
        partner_country_id="CA",
        stage=Partnership.Stage.MOU,
        mou_on=datetime.date(2017, 5, 1),
        partner_funding_eur=Decimal("300000"),
    )
    undated = GrantFactory(application__round=second, application__organisation=landscape.berlin)
    PartnershipFactory(grant=undated, partner_country_id="FR")
    return Funding(
        slug=programme.slug, dated=landscape.stuttgart.name, undated=landscape.berlin.name
    )


@pytest.mark.parametrize("lang", ["de", "en"])
def test_schedule_page_passes_axe(funding, page, lang):
    page.goto(f"/{lang}/funding/{funding.slug}/schedule/")

    assert page.locator("html").get_attribute("lang") == lang
    chart = page.locator("#gantt svg[role=img]")
    assert chart.get_attribute("role") == "img"
    assert page.locator("#gantt-title").text_content() == (
        "Zeitplan der geförderten Cluster" if lang == "de" else "Schedule of the funded clusters"
    )
    rows = page.locator("#schedule-table ~ .table-wrap tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).locator("th").inner_text() == funding.dated
    assert_no_axe_violations(page)
    save_screenshot(page, f"funding-schedule-{lang}")


@pytest.mark.parametrize("lang", ["de", "en"])
def test_indicators_page_passes_axe(funding, page, lang):
    page.goto(f"/{lang}/funding/{funding.slug}/indicators/")
    wait_for_map(page, "partner-countries")

    assert page.locator("#partnerships-by-stage svg.bar-chart").get_attribute("role") == "img"
    assert page.locator(".figures li strong").all_inner_texts() == ["2", "2", "2", "0"]
    assert_no_axe_violations(page)
    save_screenshot(page, f"funding-indicators-{lang}")


def test_programme_and_round_pages_work_without_javascript(funding, page_without_js):
    page = page_without_js
    page.goto(f"/en/funding/{funding.slug}/")
    page.get_by_role("link", name="2016").click()
    # the click waits only for the new page to start
    page.get_by_role("heading", level=1, name="Round 2016").wait_for()

    assert page.locator("h1").inner_text() == "Round 2016"
    assert page.locator("#selected ~ .table-wrap tbody th").all_inner_texts() == [funding.undated]
    save_screenshot(page, "funding-round-en")
