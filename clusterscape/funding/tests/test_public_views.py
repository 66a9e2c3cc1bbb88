import csv
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from clusterscape.accounts.tests.factories import UserFactory
from clusterscape.content.models import Status
from clusterscape.content.tests.factories import ProjectFactory
from clusterscape.funding.models import Partnership
from clusterscape.registry.tests.factories import OrganisationFactory

from .factories import (
    DatedGrantFactory,
    FundingProgrammeFactory,
    GrantFactory,
    MilestoneFactory,
    PartnershipFactory,
    RoundFactory,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def programme():
    return FundingProgrammeFactory(slug="interspin", name_en="InterSpiN", name_de="InterSpiN")


def funded(programme, count: int, **kwargs):
    round = RoundFactory(programme=programme, year=2015)
    grants = []
    for index in range(count):
        grant = GrantFactory(
            application__round=round,
            application__organisation=OrganisationFactory(name=f"Cluster {index}"),
            **kwargs,
        )
        PartnershipFactory(grant=grant, partner_country_id="FR")
        grants.append(grant)
    return round, grants


def test_programme_page_shows_rules_and_rounds(client, programme):
    RoundFactory(programme=programme, year=2017, call_closes=datetime.date(2017, 3, 15))

    response = client.get("/en/funding/interspin/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "4,000,000 EUR" in html
    assert "at most 24 months" in html
    assert "at most 36 months" in html
    assert '<time datetime="2017-03-15">March 15, 2017</time>' in html
    assert 'href="/en/funding/interspin/rounds/2017/"' in html


def test_programme_page_links_participants_to_their_pages(client, programme):
    anonymous = client.get("/en/funding/interspin/").content.decode()
    client.force_login(UserFactory())
    signed_in = client.get("/en/funding/interspin/").content.decode()

    assert 'href="/en/funding/interspin/exchange/"' not in anonymous
    assert 'href="/en/funding/interspin/exchange/"' in signed_in


def test_programme_page_in_german(client, programme):
    response = client.get("/de/funding/interspin/")

    html = response.content.decode()
    assert response.headers["Content-Language"] == "de"
    assert '<h2 id="rules">Regeln des Programms</h2>' in html
    assert "höchstens 36 Monate" in html


def test_round_page_lists_selected_clusters_with_partner_countries(client, programme):
    _round, (grant,) = funded(programme, 1)

    response = client.get("/en/funding/interspin/rounds/2015/")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="{grant.application.organisation.get_absolute_url()}">Cluster 0</a>' in html
    assert "<td>France</td>" in html
    assert html.count('<span class="muted">not published</span>') >= 3


@pytest.mark.parametrize("count", [1, 3])
def test_round_page_query_count(client, programme, count, django_assert_num_queries):
    funded(programme, count)

    with django_assert_num_queries(6):
        response = client.get("/en/funding/interspin/rounds/2015/")

    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 3])
def test_programme_list_query_count(client, count, django_assert_num_queries):
    for _ in range(count):
        FundingProgrammeFactory()

    with django_assert_num_queries(1):
        response = client.get("/en/funding/")

    assert response.status_code == 200


def test_schedule_page_draws_phases_milestones_and_today(client, programme):
    round = RoundFactory(programme=programme, year=2015)
    grant = DatedGrantFactory(
        application__round=round, application__organisation__name="Hamburg Aviation"
    )
    MilestoneFactory(grant=grant, title="Concept ready", due_on=datetime.date(2017, 12, 1))
    GrantFactory(application__round=round, application__organisation__name="Undated Cluster")

    response = client.get("/en/funding/interspin/schedule/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<svg role="img" aria-labelledby="gantt-title gantt-desc"' in html
    assert (
        "Hamburg Aviation (round 2015): concept phase 2016-01-01 – 2017-12-31, "
        "implementation phase 2018-01-01 – 2020-12-31; Concept ready 2017-12-01."
    ) in html
    assert "Undated Cluster (round 2015): phase dates not published." in html
    assert "<title>Concept ready: 2017-12-01 (planned)</title>" in html
    assert 'stroke="#b00020"' in html


@pytest.mark.parametrize("count", [1, 3])
def test_schedule_query_count(client, programme, count, django_assert_num_queries):
    funded(programme, count)

    with django_assert_num_queries(3):
        response = client.get("/en/funding/interspin/schedule/")

    assert response.status_code == 200


def test_schedule_exports_png_and_pdf(client, programme):
    funded(programme, 2)

    png = client.get("/en/funding/interspin/schedule.png")
    pdf = client.get("/en/funding/interspin/schedule.pdf")

    assert (png.status_code, png["Content-Type"], png.content[:8]) == (
        200,
        "image/png",
        b"\x89PNG\r\n\x1a\n",
    )
    assert (pdf.status_code, pdf["Content-Type"], pdf.content[:5]) == (
        200,
        "application/pdf",
        b"%PDF-",
    )
    assert png["Content-Disposition"] == 'attachment; filename="interspin-schedule.png"'


def test_indicators_count_per_round_and_export_the_same(client, programme):
    _round, grants = funded(programme, 2)
    grants[0].total_eur = Decimal("3500000")
    grants[0].save()
    PartnershipFactory(
        grant=grants[0],
        partner_country_id="CA",
        stage=Partnership.Stage.MOU,
        partner_funding_eur=Decimal("250000"),
    )

    page = client.get("/en/funding/interspin/indicators/")
    exported = client.get("/en/funding/interspin/indicators.csv")
    workbook = load_workbook(
        io.BytesIO(client.get("/en/funding/interspin/indicators.xlsx").content)
    )

    assert page.status_code == 200
    html = page.content.decode()
    assert '<figure class="chart" id="partnerships-by-stage">' in html
    assert 'id="partner-countries-title"' in html
    rows = list(csv.reader(io.StringIO(exported.content.decode())))
    assert rows[2] == [
        "2015",
        "2",
        "3",
        "2",
        "0",
        "2",
        "0",
        "",
        "0",
        "3500000.00",
        "1",
        "250000.00",
        "1",
    ]
    assert rows[3][0] == "All rounds"
    stages = rows[rows.index(["Partnerships by stage"]) + 2 :][:6]
    assert stages == [
        ["contact", "0"],
        ["letter of intent", "0"],
        ["memorandum of understanding", "1"],
        ["IPR agreement", "0"],
        ["joint project", "0"],
        ["not published", "2"],
    ]
    assert workbook.sheetnames == ["Rounds", "Stages", "Countries"]
    assert [cell.value for cell in workbook["Countries"][2]] == ["FR", "France", 2]


def test_round_page_links_the_partnerships_published_joint_project(client, programme):
    _round, (first, second) = funded(programme, 2)
    published = ProjectFactory(title="Smart Composites Lab", slug="smart-composites-lab")
    draft = ProjectFactory(title="Secret Draft Project", status=Status.DRAFT)
    first.partnerships.update(joint_project=published)
    second.partnerships.update(joint_project=draft)

    html = client.get("/en/funding/interspin/rounds/2015/").content.decode()

    assert '<a href="/en/projects/smart-composites-lab/">Smart Composites Lab</a>' in html
    assert "Secret Draft Project" not in html
