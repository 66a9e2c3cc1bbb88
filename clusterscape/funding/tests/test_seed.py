import csv
import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from clusterscape.funding.models import Application, FundingProgramme, Grant, Partnership, Round
from clusterscape.funding.seed import load_interspin
from clusterscape.registry.models import Country
from clusterscape.registry.tests.factories import (
    OrganisationFactory,
    ProgrammeFactory,
    ProgrammeMembershipFactory,
    SourceFactory,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_load_interspin_seeds_rules_rounds_and_sourced_selections():
    interspin = ProgrammeFactory(slug="interspin")
    selected = OrganisationFactory(slug="hamburg-aviation")
    selected.partner_countries.set(Country.objects.filter(code__in=["CA", "PT"]))
    SourceFactory(organisation=selected, url="https://example.org/hamburg")
    ProgrammeMembershipFactory(organisation=selected, programme=interspin, year=2015)
    ProgrammeMembershipFactory(organisation=OrganisationFactory(slug="biorn"), programme=interspin)

    report = load_interspin()

    programme = FundingProgramme.objects.get()
    assert (
        programme.programme,
        programme.cap_per_cluster_eur,
        programme.concept_phase_max_months,
        programme.implementation_phase_max_months,
        programme.partners_abroad_only,
        programme.phases_may_overlap,
    ) == (interspin, Decimal("4000000.00"), 24, 36, True, True)
    assert list(Round.objects.values_list("year", "target_selections", "call_closes")) == [
        (2015, 11, None),
        (2016, 11, None),
        (2017, 10, datetime.date(2017, 3, 15)),
    ]
    application = Application.objects.get()
    assert (application.organisation, application.round.year, application.status) == (
        selected,
        2015,
        Application.Status.SELECTED,
    )
    assert application.source_urls == "https://example.org/hamburg"
    grant = Grant.objects.get()
    assert (grant.total_eur, grant.concept_start, grant.implementation_end) == (None, None, None)
    assert sorted(Partnership.objects.values_list("partner_country", "stage")) == [
        ("CA", ""),
        ("PT", ""),
    ]
    assert (report.created, report.skipped) == (["hamburg-aviation"], ["biorn"])


def test_load_interspin_twice_changes_nothing():
    interspin = ProgrammeFactory(slug="interspin")
    ProgrammeMembershipFactory(programme=interspin, year=2016)
    load_interspin()

    report = load_interspin()

    assert (len(report.created), len(report.unchanged)) == (0, 1)
    assert (Application.objects.count(), Grant.objects.count(), Round.objects.count()) == (1, 1, 3)


def test_load_shipped_data_seeds_every_dated_interspin_selection_of_the_data():
    with (Path(settings.BASE_DIR) / "data" / "organisations.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    expected = sorted(
        (int(entry.split(":")[1]), row["slug"])
        for row in rows
        for entry in row["programmes"].split(";")
        if entry.startswith("interspin:")
    )
    countries = sum(
        len([code for code in row["partner_countries"].split(";") if code])
        for row in rows
        if "interspin:" in row["programmes"]
    )

    call_command("load_shipped_data", stdout=io.StringIO(), stderr=io.StringIO())

    seeded = Application.objects.values_list("round__year", "organisation__slug")
    assert sorted(seeded) == expected
    assert Partnership.objects.count() == countries
    assert Grant.objects.filter(total_eur__isnull=False).count() == 0
