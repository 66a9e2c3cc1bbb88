import csv
import datetime
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from clusterscape.registry import services
from clusterscape.registry.fileformats import LIST_COLUMNS
from clusterscape.registry.models import Capability, Country, Field, Organisation, State
from clusterscape.registry.records import COLUMNS, record_from_organisation
from clusterscape.registry.tests.factories import (
    CompetenceFactory,
    OrganisationFactory,
    ProgrammeFactory,
    ProgrammeMembershipFactory,
    SourceFactory,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def countries(*codes: str) -> list[Country]:
    return list(Country.objects.filter(code__in=codes))


@pytest.fixture
def landscape() -> list[Organisation]:
    """Three organisations; the first fills every column of the record format."""
    spitzencluster = ProgrammeFactory(slug="spitzencluster", position=1)
    go_cluster = ProgrammeFactory(slug="go-cluster", position=2)
    full = OrganisationFactory(
        slug="leichtbau-sued",
        name='Leichtbau Süd, "LBS" e.V.',
        short_name="LBS",
        kind=Organisation.Kind.CLUSTER,
        status=Organisation.Status.PUBLISHED,
        nuts_codes="DE1;DE21",
        city="Ulm, Donau",
        latitude=48.398409,
        longitude=9.991550,
        location_precision=Organisation.Precision.CITY,
        website="https://leichtbau-sued.example/",
        founding_year=2005,
        management_organisation="Leichtbau Süd GmbH",
        management_staff_fte=Decimal("3.5"),
        members_sme=120,
        members_large=14,
        members_startup=9,
        members_research=11,
        members_university=4,
        members_public=3,
        members_other=0,
        members_year=2023,
        keywords="Faserverbund; CFK; Leichtbau",
        description_de='Zeile eins, mit Komma.\nZeile „zwei“ mit "Anführung"; Ärger, Öl, Übung, ß.',
        description_en="Line one.\r\nLine two, with a comma and a 'quote'.",
        compiled_on=datetime.date(2024, 5, 1),
        confidence=Organisation.Confidence.MEDIUM,
    )
    full.additional_countries.set(countries("AT", "CH"))
    full.states.set(State.objects.filter(code__in=["DE-BW", "DE-BY"]))
    full.fields.set(Field.objects.filter(slug__in=["lightweight-construction", "materials"]))
    full.target_countries.set(countries("US", "JP"))
    full.partner_countries.set(countries("FR"))
    CompetenceFactory(
        organisation=full,
        direction="offers",
        field=Field.objects.get(slug="lightweight-construction"),
        capability=Capability.objects.get(slug="testing-certification"),
    )
    CompetenceFactory(
        organisation=full, direction="offers", field=Field.objects.get(slug="materials")
    )
    CompetenceFactory(
        organisation=full,
        direction="seeks",
        field=None,
        capability=Capability.objects.get(slug="manufacturing"),
    )
    ProgrammeMembershipFactory(organisation=full, programme=spitzencluster, year=2008)
    ProgrammeMembershipFactory(organisation=full, programme=spitzencluster, year=2012)
    ProgrammeMembershipFactory(organisation=full, programme=go_cluster, year=None)
    for position, url in enumerate(
        [
            "https://leichtbau-sued.example/about",
            "https://example.org/list?page=2&q=leichtbau",
            "https://example.org/a",
        ]
    ):
        SourceFactory(organisation=full, url=url, position=position)

    partner = OrganisationFactory(
        slug="alsace-lorraine",
        name="Alsace–Lorraine Partner",
        kind=Organisation.Kind.INTERNATIONAL_PARTNER,
        status=Organisation.Status.DRAFT,
        country=Country.objects.get(code="FR"),
        latitude=48.0,
        longitude=7.0,
        location_precision=Organisation.Precision.COUNTRY,
    )
    partner.additional_countries.set(countries("DE"))
    partner.states.set(State.objects.filter(code="DE-SL"))
    SourceFactory(organisation=partner, url="https://example.fr/")

    minimal = OrganisationFactory(slug="minimal", name="Minimal")
    SourceFactory(organisation=minimal, url="https://example.org/minimal")
    return [full, partner, minimal]


def export(file_format: str) -> str:
    stream = io.StringIO()
    services.export_organisations(stream, file_format=file_format)
    return stream.getvalue()


def export_to(path: Path, file_format: str) -> bytes:
    with path.open("w", encoding="utf-8", newline="") as stream:
        services.export_organisations(stream, file_format=file_format)
    return path.read_bytes()


def test_landscape_fills_every_column(landscape):
    record = record_from_organisation(landscape[0])

    assert [column for column, value in record.items() if value in ("", [])] == []


def test_export_csv_writes_canonical_rows(landscape):
    rows = list(csv.reader(io.StringIO(export("csv"), newline="")))

    assert rows[0] == list(COLUMNS)
    assert [row[0] for row in rows[1:]] == ["alsace-lorraine", "leichtbau-sued", "minimal"]
    minimal = dict(zip(COLUMNS, rows[3], strict=True))
    assert minimal == {
        **dict.fromkeys(COLUMNS, ""),
        "slug": "minimal",
        "name": "Minimal",
        "kind": "cluster",
        "status": "published",
        "country": "DE",
        "source_urls": "https://example.org/minimal",
    }
    full = dict(zip(COLUMNS, rows[2], strict=True))
    assert full["programmes"] == "spitzencluster:2008;spitzencluster:2012;go-cluster"
    assert full["offers"] == "lightweight-construction:testing-certification;materials"
    assert full["seeks"] == ":manufacturing"
    assert full["source_urls"] == (
        "https://leichtbau-sued.example/about;"
        "https://example.org/list?page=2&q=leichtbau;"
        "https://example.org/a"
    )
    assert full["description_en"] == "Line one.\r\nLine two, with a comma and a 'quote'."
    assert (full["latitude"], full["management_staff_fte"]) == ("48.398409", "3.5")


def test_export_json_writes_lists_and_numbers(landscape):
    document = json.loads(export("json"))

    assert (document["format"], document["version"]) == ("clusterscape-organisations", 1)
    assert [item["slug"] for item in document["organisations"]] == [
        "alsace-lorraine",
        "leichtbau-sued",
        "minimal",
    ]
    assert document["organisations"][2] == {
        **dict.fromkeys(COLUMNS),
        **{column: [] for column in LIST_COLUMNS},
        "slug": "minimal",
        "name": "Minimal",
        "kind": "cluster",
        "status": "published",
        "country": "DE",
        "source_urls": ["https://example.org/minimal"],
    }
    full = document["organisations"][1]
    assert (full["latitude"], full["founding_year"], full["management_staff_fte"]) == (
        48.398409,
        2005,
        3.5,
    )
    assert full["states"] == ["DE-BW", "DE-BY"]


@pytest.mark.parametrize("file_format", ["csv", "json"])
def test_export_import_round_trip_is_lossless(landscape, tmp_path, file_format):
    path = tmp_path / f"organisations.{file_format}"
    first = export_to(path, file_format)
    Organisation.objects.all().delete()

    report = services.import_organisations(path)

    assert report.problems == []
    assert report.created == ["alsace-lorraine", "leichtbau-sued", "minimal"]
    assert export_to(tmp_path / f"again.{file_format}", file_format) == first


@pytest.mark.parametrize("file_format", ["csv", "json"])
def test_import_own_export_reports_all_unchanged(landscape, tmp_path, file_format):
    path = tmp_path / f"organisations.{file_format}"
    export_to(path, file_format)
    before = dict(Organisation.objects.values_list("slug", "updated_at"))

    report = services.import_organisations(path)

    assert report.problems == []
    assert report.unchanged == ["alsace-lorraine", "leichtbau-sued", "minimal"]
    assert (report.created, report.updated) == ([], [])
    assert dict(Organisation.objects.values_list("slug", "updated_at")) == before


def test_export_of_empty_registry_is_header_only():
    assert export("csv") == ",".join(COLUMNS) + "\n"


@pytest.mark.parametrize("file_format", ["csv", "json"])
def test_export_command_writes_output_file(landscape, tmp_path, file_format):
    path = tmp_path / f"export.{file_format}"
    stdout, stderr = io.StringIO(), io.StringIO()

    call_command(
        "export_organisations",
        "--format",
        file_format,
        "--output",
        str(path),
        stdout=stdout,
        stderr=stderr,
    )

    assert path.read_bytes() == export(file_format).encode()
    assert stderr.getvalue() == "3 organisations exported\n"
    assert stdout.getvalue() == ""


def test_export_command_writes_to_stdout(landscape):
    stdout, stderr = io.StringIO(), io.StringIO()

    call_command("export_organisations", stdout=stdout, stderr=stderr)

    assert stdout.getvalue() == export("csv")
    assert stderr.getvalue() == "3 organisations exported\n"
