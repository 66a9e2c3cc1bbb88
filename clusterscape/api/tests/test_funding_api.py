import datetime
from decimal import Decimal

import pytest

from clusterscape.funding.models import Partnership
from clusterscape.funding.tests.factories import (
    DatedGrantFactory,
    FundingProgrammeFactory,
    GrantFactory,
    PartnershipFactory,
    RoundFactory,
)
from clusterscape.registry.tests.factories import OrganisationFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def funded():
    programme = FundingProgrammeFactory(slug="interspin", name_en="InterSpiN")
    round = RoundFactory(programme=programme, year=2015, call_closes=datetime.date(2015, 3, 1))
    grant = DatedGrantFactory(
        application__round=round,
        application__organisation=OrganisationFactory(slug="hamburg-aviation", name="HA"),
    )
    PartnershipFactory(
        grant=grant,
        partner_country_id="CA",
        stage=Partnership.Stage.MOU,
        partner_funding_eur=Decimal("250000"),
    )
    undated = GrantFactory(
        application__round=round,
        application__organisation=OrganisationFactory(slug="optonet", name="OptoNet"),
    )
    PartnershipFactory(grant=undated, partner_country_id="JP")
    return programme


def test_api_lists_programmes_with_rules(client, funded):
    response = client.get("/api/v1/funding/programmes")

    assert response.status_code == 200
    (programme,) = response.json()
    assert (
        programme["slug"],
        programme["cap_per_cluster_eur"],
        programme["concept_phase_max_months"],
        programme["implementation_phase_max_months"],
        programme["partners_abroad_only"],
    ) == ("interspin", "4000000.00", 24, 36, True)


def test_api_programme_has_rounds(client, funded):
    response = client.get("/api/v1/funding/programmes/interspin")

    assert [
        (r["year"], r["call_closes"], r["target_selections"], r["selected"])
        for r in response.json()["rounds"]
    ] == [(2015, "2015-03-01", 10, 2)]


def test_api_round_lists_selected_clusters_with_nulls_for_the_unknown(client, funded):
    response = client.get("/api/v1/funding/programmes/interspin/rounds/2015")

    clusters = response.json()["selected_clusters"]
    assert [
        (c["organisation"], c["grant_total_eur"], c["concept_start"], c["partner_countries"])
        for c in clusters
    ] == [("hamburg-aviation", "4000000.00", "2016-01-01", ["CA"]), ("optonet", None, None, ["JP"])]


def test_api_partnerships_and_indicators(client, funded):
    partnerships = client.get("/api/v1/funding/programmes/interspin/partnerships").json()
    indicators = client.get("/api/v1/funding/programmes/interspin/indicators").json()

    assert [(p["cluster"], p["partner_country"], p["stage"]) for p in partnerships] == [
        ("hamburg-aviation", "CA", "mou"),
        ("optonet", "JP", None),
    ]
    assert indicators["total"]["partnerships"] == 2
    assert indicators["total"]["german_funding_eur"] == "4000000.00"
    assert indicators["total"]["german_funding_published_for"] == 1
    assert [(s["key"], s["partnerships"]) for s in indicators["by_stage"]] == [
        ("contact", 0),
        ("letter-of-intent", 0),
        ("mou", 1),
        ("ipr-agreement", 0),
        ("joint-project", 0),
        ("not-published", 1),
    ]


def test_api_unknown_programme_is_404(client):
    assert client.get("/api/v1/funding/programmes/nothing").status_code == 404
