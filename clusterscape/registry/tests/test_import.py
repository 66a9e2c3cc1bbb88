import csv
import datetime
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from clusterscape.registry import services
from clusterscape.registry.fileformats import FileInvalid
from clusterscape.registry.models import Organisation
from clusterscape.registry.records import RecordInvalid
from clusterscape.registry.services import RowProblem
from clusterscape.registry.tests.factories import OrganisationFactory, ProgrammeFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


BIOTECH = {
    "slug": "biotech-nord",
    "name": "Biotech Nord",
    "short_name": "BN",
    "kind": "cluster",
    "status": "published",
    "country": "DE",
    "additional_countries": "DK",
    "states": "DE-SH;DE-HH",
    "nuts_codes": "DE6;DEF",
    "city": "Hamburg",
    "latitude": "53.55",
    "longitude": "9.993",
    "location_precision": "city",
    "website": "biotech-nord.example",
    "founding_year": "2004",
    "management_staff_fte": "4.5",
    "members_sme": "80",
    "members_research": "12",
    "members_year": "2023",
    "fields": "biotechnology;medical-technology",
    "keywords": "Wirkstoffe; Diagnostik",
    "offers": "biotechnology:research;:testing-certification",
    "seeks": "medical-technology",
    "target_countries": "US",
    "partner_countries": "SE;DK",
    "programmes": "spitzencluster:2012;go-cluster",
    "description_de": "Das Biotech-Netzwerk im Norden.",
    "description_en": "The biotech network of the north.",
    "source_urls": "https://example.org/b;https://example.org/a",
    "compiled_on": "2024-05-01",
    "confidence": "high",
}
SOLAR = {
    "slug": "solar-valley",
    "name": "Solar Valley",
    "kind": "network",
    "country": "DE",
    "states": "DE-ST",
    "source_urls": "https://example.org/solar",
}
INVALID = {
    "slug": "nowhere",
    "name": "Nowhere",
    "kind": "cluster",
    "country": "XX",
    "source_urls": "https://example.org/nowhere",
}


@pytest.fixture(autouse=True)
def programmes():
    ProgrammeFactory(slug="spitzencluster", position=1)
    ProgrammeFactory(slug="go-cluster", position=2)


def write_csv(path: Path, rows: list[dict]) -> Path:
    columns = list(dict.fromkeys(column for row in rows for column in row))
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def run_import(*args: str) -> tuple[str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("import_organisations", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def updated_at_by_slug() -> dict[str, datetime.datetime]:
    return dict(Organisation.objects.values_list("slug", "updated_at"))


def test_import_creates_organisations_with_relations(tmp_path):
    path = write_csv(tmp_path / "organisations.csv", [BIOTECH, SOLAR])

    report = services.import_organisations(path)

    assert report.problems == []
    assert report.written is True
    assert report.total == 2
    assert report.created == ["biotech-nord", "solar-valley"]
    assert (report.updated, report.unchanged) == ([], [])
    biotech = Organisation.objects.get(slug="biotech-nord")
    assert (biotech.name, biotech.short_name, biotech.kind, biotech.status) == (
        "Biotech Nord",
        "BN",
        "cluster",
        "published",
    )
    assert biotech.country_id == "DE"
    assert biotech.nuts_codes == "DE6;DEF"
    assert (biotech.latitude, biotech.longitude) == (53.55, 9.993)
    assert biotech.website == "https://biotech-nord.example"
    assert biotech.founding_year == 2004
    assert biotech.management_staff_fte == Decimal("4.5")
    assert (biotech.members_sme, biotech.members_research, biotech.members_large) == (80, 12, None)
    assert biotech.compiled_on == datetime.date(2024, 5, 1)
    assert sorted(c.code for c in biotech.additional_countries.all()) == ["DK"]
    assert sorted(s.code for s in biotech.states.all()) == ["DE-HH", "DE-SH"]
    assert sorted(f.slug for f in biotech.fields.all()) == ["biotechnology", "medical-technology"]
    assert sorted(c.code for c in biotech.target_countries.all()) == ["US"]
    assert sorted(c.code for c in biotech.partner_countries.all()) == ["DK", "SE"]
    assert sorted(
        (
            c.direction,
            c.field.slug if c.field else "",
            c.capability.slug if c.capability else "",
        )
        for c in biotech.competences.all()
    ) == [
        ("offers", "", "testing-certification"),
        ("offers", "biotechnology", "research"),
        ("seeks", "medical-technology", ""),
    ]
    assert [(m.programme.slug, m.year) for m in biotech.memberships.all()] == [
        ("spitzencluster", 2012),
        ("go-cluster", None),
    ]
    assert [(s.url, s.position) for s in biotech.sources.all()] == [
        ("https://example.org/b", 0),
        ("https://example.org/a", 1),
    ]
    solar = Organisation.objects.get(slug="solar-valley")
    assert (solar.name, solar.kind, solar.status) == ("Solar Valley", "network", "published")
    assert [s.code for s in solar.states.all()] == ["DE-ST"]
    assert [s.url for s in solar.sources.all()] == ["https://example.org/solar"]
    assert solar.competences.count() == 0


def test_import_same_file_twice_changes_nothing(tmp_path):
    path = write_csv(tmp_path / "organisations.csv", [BIOTECH, SOLAR])
    services.import_organisations(path)
    before = updated_at_by_slug()

    report = services.import_organisations(path)

    assert report.problems == []
    assert report.unchanged == ["biotech-nord", "solar-valley"]
    assert (report.created, report.updated) == ([], [])
    assert updated_at_by_slug() == before


def test_import_changed_cell_updates_only_that_organisation(tmp_path):
    services.import_organisations(write_csv(tmp_path / "first.csv", [BIOTECH, SOLAR]))
    before = updated_at_by_slug()
    changed = {**BIOTECH, "members_sme": "81"}

    report = services.import_organisations(write_csv(tmp_path / "second.csv", [changed, SOLAR]))

    assert report.problems == []
    assert report.updated == ["biotech-nord"]
    assert report.unchanged == ["solar-valley"]
    assert report.created == []
    assert Organisation.objects.get(slug="biotech-nord").members_sme == 81
    after = updated_at_by_slug()
    assert after["solar-valley"] == before["solar-valley"]
    assert after["biotech-nord"] > before["biotech-nord"]


def test_import_reordered_sources_updates_organisation(tmp_path):
    services.import_organisations(write_csv(tmp_path / "first.csv", [BIOTECH]))
    reordered = {**BIOTECH, "source_urls": "https://example.org/a;https://example.org/b"}

    report = services.import_organisations(write_csv(tmp_path / "second.csv", [reordered]))

    assert report.updated == ["biotech-nord"]
    biotech = Organisation.objects.get(slug="biotech-nord")
    assert [s.url for s in biotech.sources.all()] == [
        "https://example.org/a",
        "https://example.org/b",
    ]


JSON_BIOTECH = {
    **BIOTECH,
    "additional_countries": ["DK"],
    "states": ["DE-SH", "DE-HH"],
    "latitude": 53.55,
    "longitude": 9.993,
    "founding_year": 2004,
    "management_staff_fte": 4.5,
    "members_sme": 80,
    "members_research": 12,
    "members_year": 2023,
    "fields": ["biotechnology", "medical-technology"],
    "offers": ["biotechnology:research", ":testing-certification"],
    "seeks": ["medical-technology"],
    "target_countries": ["US"],
    "partner_countries": ["SE", "DK"],
    "programmes": ["spitzencluster:2012", "go-cluster"],
    "source_urls": ["https://example.org/b", "https://example.org/a"],
    "members_large": None,
}


@pytest.mark.parametrize(
    "document",
    [
        pytest.param([JSON_BIOTECH], id="list"),
        pytest.param({"format": "x", "organisations": [JSON_BIOTECH]}, id="object"),
    ],
)
def test_import_json_matches_csv(tmp_path, document):
    services.import_organisations(write_csv(tmp_path / "organisations.csv", [BIOTECH]))
    expected = list(services.organisation_records())
    Organisation.objects.all().delete()
    path = tmp_path / "organisations.json"
    path.write_text(json.dumps(document), encoding="utf-8")

    report = services.import_organisations(path)

    assert report.problems == []
    assert report.created == ["biotech-nord"]
    assert list(services.organisation_records()) == expected
    biotech = Organisation.objects.get(slug="biotech-nord")
    assert biotech.founding_year == 2004
    assert biotech.management_staff_fte == Decimal("4.5")
    assert (biotech.latitude, biotech.longitude) == (53.55, 9.993)
    assert [s.url for s in biotech.sources.all()] == [
        "https://example.org/b",
        "https://example.org/a",
    ]


def test_import_json_reports_record_number(tmp_path):
    path = tmp_path / "organisations.json"
    path.write_text(json.dumps([SOLAR, INVALID]), encoding="utf-8")

    report = services.import_organisations(path)

    assert report.problems == [
        RowProblem("record 2", "country", "unknown ISO 3166-1 code 'XX'"),
    ]
    assert report.written is False
    assert Organisation.objects.count() == 0


def test_import_invalid_row_writes_nothing(tmp_path):
    existing = OrganisationFactory(slug="existing", name="Existing")
    before = updated_at_by_slug()
    path = write_csv(tmp_path / "organisations.csv", [BIOTECH, SOLAR, INVALID])

    report = services.import_organisations(path)

    assert report.problems == [RowProblem("row 4", "country", "unknown ISO 3166-1 code 'XX'")]
    assert [raw.location for raw in report.rejected] == ["row 4"]
    assert report.written is False
    assert (report.created, report.updated, report.unchanged) == ([], [], [])
    assert list(Organisation.objects.values_list("slug", flat=True)) == ["existing"]
    existing.refresh_from_db()
    assert existing.name == "Existing"
    assert updated_at_by_slug() == before


def test_import_invalid_row_leaves_existing_organisation_untouched(tmp_path):
    existing = OrganisationFactory(slug="solar-valley", name="Old name", kind="cluster")
    before = updated_at_by_slug()
    path = write_csv(tmp_path / "organisations.csv", [SOLAR, INVALID])

    report = services.import_organisations(path)

    assert report.written is False
    existing.refresh_from_db()
    assert (existing.name, existing.kind) == ("Old name", "cluster")
    assert existing.states.count() == 0
    assert existing.sources.count() == 0
    assert updated_at_by_slug() == before


def test_import_reports_row_and_column_of_each_problem(tmp_path):
    rows = [SOLAR, {**BIOTECH, "members_sme": "many", "states": "DE-XX"}, INVALID]
    path = write_csv(tmp_path / "organisations.csv", rows)

    report = services.import_organisations(path)

    assert report.problems == [
        RowProblem("row 3", "members_sme", "'many' is not a whole number"),
        RowProblem("row 3", "states", "unknown ISO 3166-2 code 'DE-XX'"),
        RowProblem("row 4", "country", "unknown ISO 3166-1 code 'XX'"),
    ]
    assert str(report.problems[0]) == "row 3, members_sme: 'many' is not a whole number"


def test_import_counts_rows_after_blank_line_as_spreadsheet(tmp_path):
    path = write_csv(tmp_path / "organisations.csv", [SOLAR, INVALID])
    header, solar, invalid = path.read_text(encoding="utf-8").splitlines()
    path.write_text(f"{header}\n{solar}\n\n{invalid}\n", encoding="utf-8")

    report = services.import_organisations(path)

    assert report.total == 2
    assert report.problems == [RowProblem("row 4", "country", "unknown ISO 3166-1 code 'XX'")]


def test_import_counts_rows_after_multiline_cell_as_spreadsheet(tmp_path):
    two_lines = {**SOLAR, "description_en": "First line.\nSecond line."}
    path = write_csv(tmp_path / "organisations.csv", [two_lines, INVALID])

    report = services.import_organisations(path)

    assert report.problems == [RowProblem("row 3", "country", "unknown ISO 3166-1 code 'XX'")]


def test_import_repeated_slug_names_first_row(tmp_path):
    path = write_csv(tmp_path / "organisations.csv", [BIOTECH, SOLAR, {**BIOTECH, "name": "Copy"}])

    report = services.import_organisations(path)

    assert report.problems == [RowProblem("row 4", "slug", "'biotech-nord' repeats row 2")]
    assert report.written is False
    assert Organisation.objects.count() == 0


def test_import_repeated_slug_in_json_names_first_record(tmp_path):
    path = tmp_path / "organisations.json"
    path.write_text(json.dumps([SOLAR, SOLAR]), encoding="utf-8")

    report = services.import_organisations(path)

    assert report.problems == [RowProblem("record 2", "slug", "'solar-valley' repeats record 1")]


def test_import_skip_invalid_writes_valid_records(tmp_path):
    path = write_csv(tmp_path / "organisations.csv", [BIOTECH, INVALID, SOLAR])

    report = services.import_organisations(path, skip_invalid=True)

    assert report.written is True
    assert report.created == ["biotech-nord", "solar-valley"]
    assert [raw.location for raw in report.rejected] == ["row 3"]
    assert sorted(Organisation.objects.values_list("slug", flat=True)) == [
        "biotech-nord",
        "solar-valley",
    ]


def test_import_command_skip_invalid_writes_rejects_file(tmp_path):
    bad = {**INVALID, "members_sme": "many"}
    path = write_csv(tmp_path / "organisations.csv", [SOLAR, bad, {**SOLAR, "slug": "solar-2"}])

    stdout, stderr = run_import(str(path), "--skip-invalid")

    rejects = tmp_path / "organisations.csv.rejects.csv"
    assert stdout == f"{path}: 2 created, 0 updated, 0 unchanged, 1 rejected\n"
    assert stderr == (
        f"{path}, row 3, members_sme: 'many' is not a whole number\n"
        f"{path}, row 3, country: unknown ISO 3166-1 code 'XX'\n"
        f"1 rejected records written to {rejects}\n"
    )
    with rejects.open(encoding="utf-8", newline="") as stream:
        assert list(csv.reader(stream)) == [
            [
                "location",
                "problems",
                "slug",
                "name",
                "kind",
                "country",
                "states",
                "source_urls",
                "members_sme",
            ],
            [
                "row 3",
                "members_sme: 'many' is not a whole number | country: unknown ISO 3166-1 code 'XX'",
                "nowhere",
                "Nowhere",
                "cluster",
                "XX",
                "",
                "https://example.org/nowhere",
                "many",
            ],
        ]
    assert sorted(Organisation.objects.values_list("slug", flat=True)) == [
        "solar-2",
        "solar-valley",
    ]


def test_import_command_writes_rejects_to_given_file(tmp_path):
    path = write_csv(tmp_path / "organisations.csv", [SOLAR, INVALID])
    rejects = tmp_path / "fix-me.csv"

    run_import(str(path), "--skip-invalid", "--rejects", str(rejects))

    with rejects.open(encoding="utf-8", newline="") as stream:
        assert list(csv.reader(stream))[1][:3] == [
            "row 3",
            "country: unknown ISO 3166-1 code 'XX'",
            "nowhere",
        ]
    assert not (tmp_path / "organisations.csv.rejects.csv").exists()


def test_import_command_with_invalid_record_fails_and_writes_nothing(tmp_path):
    path = write_csv(tmp_path / "organisations.csv", [BIOTECH, SOLAR, INVALID])
    stderr = io.StringIO()

    with pytest.raises(CommandError) as excinfo:
        call_command("import_organisations", str(path), stdout=io.StringIO(), stderr=stderr)

    assert str(excinfo.value) == (
        "1 of 3 records are invalid; nothing was imported (fix them, or use --skip-invalid)"
    )
    assert stderr.getvalue() == f"{path}, row 4, country: unknown ISO 3166-1 code 'XX'\n"
    assert Organisation.objects.count() == 0
    assert not (tmp_path / "organisations.csv.rejects.csv").exists()


def test_import_command_reports_success(tmp_path):
    path = write_csv(tmp_path / "organisations.csv", [BIOTECH, SOLAR])

    stdout, stderr = run_import(str(path))

    assert stdout == f"{path}: 2 created, 0 updated, 0 unchanged, 0 rejected\n"
    assert stderr == ""
    assert Organisation.objects.count() == 2


def test_import_command_format_option_overrides_extension(tmp_path):
    path = tmp_path / "organisations.txt"
    path.write_text(json.dumps([SOLAR]), encoding="utf-8")

    stdout, _stderr = run_import(str(path), "--format", "json")

    assert stdout == f"{path}: 1 created, 0 updated, 0 unchanged, 0 rejected\n"


HEADER = "slug,name,kind,country,source_urls\n"
ROW = "solar-valley,Solar Valley,network,DE,https://example.org/solar\n"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param(
            "o.csv",
            HEADER + ROW + "biotech-nord,Biotech Nord\n",
            "{path}, row 3: 2 cells, the header has 5",
            id="csv-cell-count",
        ),
        pytest.param(
            "o.csv",
            HEADER + '"biotech-nord"x,Biotech Nord,cluster,DE,https://example.org/b\n',
            "{path}, row 2: malformed CSV (',' expected after '\"')",
            id="csv-quote",
        ),
        pytest.param(
            "o.csv",
            "slug,name,slug\n" + "a,A,a\n",
            "{path}, row 1: repeated columns slug",
            id="csv-repeated-column",
        ),
        pytest.param(
            "o.json",
            '[\n {"slug": "a",\n }\n]\n',
            "{path}, line 3 column 2: malformed JSON "
            "(Expecting property name enclosed in double quotes)",
            id="json-syntax",
        ),
        pytest.param(
            "o.json",
            '{"records": []}',
            '{path}: expected a list of records or {{"organisations": [...]}}',
            id="json-object",
        ),
        pytest.param(
            "o.json",
            '"solar-valley"',
            '{path}: expected a list of records or {{"organisations": [...]}}',
            id="json-string",
        ),
        pytest.param(
            "o.json",
            '[{"slug": "a"}, 7]',
            "{path}, record 2: a record is an object, not int",
            id="json-record-not-object",
        ),
        pytest.param(
            "o.json",
            '[{"slug": "a", "states": [["DE-BY"]]}]',
            "{path}, record 1, states: nested objects are not allowed",
            id="json-nested",
        ),
        pytest.param("o.csv", "", "{path}: the file is empty", id="empty"),
        pytest.param("o.json", " \n\n", "{path}: the file is empty", id="blank"),
        pytest.param(
            "o.xlsx",
            HEADER + ROW,
            "{path}: unknown format 'xlsx'; use .csv or .json (or --format)",
            id="extension",
        ),
    ],
)
def test_import_command_rejects_unreadable_file(tmp_path, name, content, message):
    OrganisationFactory(slug="existing")
    before = updated_at_by_slug()
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")

    with pytest.raises(CommandError) as excinfo:
        run_import(str(path))

    assert str(excinfo.value) == message.format(path=path)
    assert updated_at_by_slug() == before


def test_import_command_rejects_non_utf8_file(tmp_path):
    path = tmp_path / "organisations.csv"
    path.write_bytes(
        (HEADER + "m").encode() + "ünchen,München,cluster,DE,https://x.de\n".encode("latin-1")
    )

    with pytest.raises(CommandError) as excinfo:
        run_import(str(path))

    assert str(excinfo.value) == f"{path}: not UTF-8 text (byte {len(HEADER) + 1})"
    assert Organisation.objects.count() == 0


def test_import_command_accepts_byte_order_mark(tmp_path):
    path = tmp_path / "organisations.csv"
    path.write_text(HEADER + ROW, encoding="utf-8-sig")

    stdout, _stderr = run_import(str(path))

    assert stdout == f"{path}: 1 created, 0 updated, 0 unchanged, 0 rejected\n"


def test_import_command_rejects_file_over_size_limit(tmp_path, settings):
    settings.IMPORT_MAX_BYTES = 50
    path = tmp_path / "organisations.csv"
    path.write_text(HEADER + ROW, encoding="utf-8")
    size = len((HEADER + ROW).encode())

    with pytest.raises(CommandError) as excinfo:
        run_import(str(path))

    assert size > 50
    assert str(excinfo.value) == f"{path}: {size} bytes is larger than the limit of 50 bytes"
    assert Organisation.objects.count() == 0


def test_import_command_rejects_missing_file(tmp_path):
    path = tmp_path / "missing.csv"

    with pytest.raises(CommandError) as excinfo:
        run_import(str(path))

    assert str(excinfo.value) == (
        f"{path}: cannot be read ([Errno 2] No such file or directory: '{path}')"
    )


def test_import_organisations_raises_file_invalid(tmp_path):
    path = tmp_path / "organisations.csv"
    path.write_text("", encoding="utf-8")

    with pytest.raises(FileInvalid):
        services.import_organisations(path)


def test_save_organisation_record_creates_organisation():
    organisation, outcome = services.save_organisation_record(SOLAR)

    assert outcome == "created"
    assert organisation.slug == "solar-valley"
    assert [s.url for s in organisation.sources.all()] == ["https://example.org/solar"]


def test_save_organisation_record_unchanged_writes_nothing():
    services.save_organisation_record(SOLAR)
    before = updated_at_by_slug()

    _organisation, outcome = services.save_organisation_record(SOLAR)

    assert outcome == "unchanged"
    assert updated_at_by_slug() == before


def test_save_organisation_record_updates_organisation():
    services.save_organisation_record(SOLAR)

    _organisation, outcome = services.save_organisation_record({**SOLAR, "name": "Solar Valley 2"})

    assert outcome == "updated"
    assert Organisation.objects.get(slug="solar-valley").name == "Solar Valley 2"


def test_save_organisation_record_rejects_invalid_record():
    with pytest.raises(RecordInvalid) as excinfo:
        services.save_organisation_record(INVALID)

    assert excinfo.value.errors == {"country": ["unknown ISO 3166-1 code 'XX'"]}
    assert Organisation.objects.count() == 0
