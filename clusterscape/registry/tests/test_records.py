import datetime
from decimal import Decimal

import pytest

from clusterscape.registry.models import Capability, Competence, Country, Field, State
from clusterscape.registry.records import (
    COLUMNS,
    RecordInvalid,
    ReferenceData,
    parse_record,
)
from clusterscape.registry.tests.factories import OrganisationFactory, ProgrammeFactory

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

NEXT_YEAR = datetime.date.today().year + 1


FULL_RECORD = {
    "slug": "leichtbau-bw",
    "name": "Leichtbau BW",
    "short_name": "LBW",
    "kind": "cluster",
    "status": "published",
    "country": "DE",
    "additional_countries": "AT;CH",
    "states": "DE-BW;DE-BY",
    "nuts_codes": "DE1;DE2",
    "city": "Stuttgart",
    "latitude": "48.775846",
    "longitude": "9.182932",
    "location_precision": "city",
    "website": "leichtbau-bw.de",
    "founding_year": "2008",
    "management_organisation": "Leichtbau BW GmbH",
    "management_staff_fte": "2.5",
    "members_sme": "120",
    "members_large": "30",
    "members_startup": "5",
    "members_research": "20",
    "members_university": "8",
    "members_public": "2",
    "members_other": "0",
    "members_year": "2023",
    "fields": "lightweight-construction;materials",
    "keywords": "Faserverbund; CFK",
    "offers": "lightweight-construction:testing-certification",
    "seeks": ":manufacturing",
    "target_countries": "US;CN",
    "partner_countries": "FR",
    "programmes": "spitzencluster:2008;interspin",
    "description_de": "Netzwerk für Leichtbau.",
    "description_en": "Network for lightweight construction.",
    "source_urls": "https://www.leichtbau-bw.de/;https://example.org/leichtbau",
    "compiled_on": "2024-05-01",
    "confidence": "high",
}

MINIMAL_RECORD = {
    "slug": "biotech-nord",
    "name": "Biotech Nord",
    "kind": "cluster",
    "country": "DE",
    "source_urls": "https://example.org/biotech-nord",
}


@pytest.fixture
def reference() -> ReferenceData:
    ProgrammeFactory(slug="spitzencluster", position=1)
    ProgrammeFactory(slug="interspin", position=2)
    return ReferenceData.load()


def errors_of(record: dict, reference: ReferenceData) -> dict[str, list[str]]:
    with pytest.raises(RecordInvalid) as excinfo:
        parse_record(record, reference)
    return excinfo.value.errors


def test_full_record_covers_every_column():
    assert set(FULL_RECORD) == set(COLUMNS)


def test_parse_record_accepts_full_record(reference):
    parsed = parse_record(FULL_RECORD, reference)

    assert parsed.slug == "leichtbau-bw"
    assert parsed.values == {
        "slug": "leichtbau-bw",
        "name": "Leichtbau BW",
        "short_name": "LBW",
        "kind": "cluster",
        "status": "published",
        "country": Country.objects.get(code="DE"),
        "nuts_codes": "DE1;DE2",
        "city": "Stuttgart",
        "latitude": 48.775846,
        "longitude": 9.182932,
        "location_precision": "city",
        "website": "https://leichtbau-bw.de",
        "founding_year": 2008,
        "management_organisation": "Leichtbau BW GmbH",
        "management_staff_fte": Decimal("2.5"),
        "members_sme": 120,
        "members_large": 30,
        "members_startup": 5,
        "members_research": 20,
        "members_university": 8,
        "members_public": 2,
        "members_other": 0,
        "members_year": 2023,
        "keywords": "Faserverbund; CFK",
        "description_de": "Netzwerk für Leichtbau.",
        "description_en": "Network for lightweight construction.",
        "compiled_on": datetime.date(2024, 5, 1),
        "confidence": "high",
    }
    assert [c.code for c in parsed.additional_countries] == ["AT", "CH"]
    assert parsed.states == [State.objects.get(code="DE-BW"), State.objects.get(code="DE-BY")]
    assert [f.slug for f in parsed.fields] == ["lightweight-construction", "materials"]
    assert parsed.competences == [
        (
            Competence.Direction.OFFERS,
            Field.objects.get(slug="lightweight-construction"),
            Capability.objects.get(slug="testing-certification"),
        ),
        (Competence.Direction.SEEKS, None, Capability.objects.get(slug="manufacturing")),
    ]
    assert [c.code for c in parsed.target_countries] == ["US", "CN"]
    assert [c.code for c in parsed.partner_countries] == ["FR"]
    assert [(p.slug, year) for p, year in parsed.memberships] == [
        ("spitzencluster", 2008),
        ("interspin", None),
    ]
    assert parsed.source_urls == [
        "https://www.leichtbau-bw.de/",
        "https://example.org/leichtbau",
    ]


def test_parse_record_canonical_sorts_lists_and_writes_numbers_as_text(reference):
    parsed = parse_record(FULL_RECORD, reference)

    assert parsed.canonical == {
        **FULL_RECORD,
        "additional_countries": ["AT", "CH"],
        "states": ["DE-BW", "DE-BY"],
        "fields": ["lightweight-construction", "materials"],
        "offers": ["lightweight-construction:testing-certification"],
        "seeks": [":manufacturing"],
        "target_countries": ["CN", "US"],
        "partner_countries": ["FR"],
        "programmes": ["spitzencluster:2008", "interspin"],
        "source_urls": ["https://www.leichtbau-bw.de/", "https://example.org/leichtbau"],
        "website": "https://leichtbau-bw.de",
    }
    assert list(parsed.canonical) == list(COLUMNS)


def test_parse_record_accepts_minimal_record_as_published(reference):
    parsed = parse_record(MINIMAL_RECORD, reference)

    assert parsed.values["status"] == "published"
    assert parsed.values["website"] == ""
    assert parsed.values["latitude"] is None
    assert parsed.values["founding_year"] is None
    assert parsed.values["management_staff_fte"] is None
    assert parsed.source_urls == ["https://example.org/biotech-nord"]


def test_parse_record_keeps_website_with_scheme(reference):
    parsed = parse_record({**MINIMAL_RECORD, "website": "http://biorn.org/"}, reference)

    assert parsed.values["website"] == "http://biorn.org/"


def test_parse_record_accepts_json_lists_and_numbers(reference):
    record = {
        **MINIMAL_RECORD,
        "states": ["DE-BW", "DE-BY"],
        "source_urls": ["https://example.org/a", "https://example.org/b"],
        "founding_year": 2008,
        "latitude": 48.5,
        "longitude": 9.25,
        "management_staff_fte": 2.5,
    }

    parsed = parse_record(record, reference)

    assert [s.code for s in parsed.states] == ["DE-BW", "DE-BY"]
    assert parsed.source_urls == ["https://example.org/a", "https://example.org/b"]
    assert parsed.values["founding_year"] == 2008
    assert (parsed.values["latitude"], parsed.values["longitude"]) == (48.5, 9.25)
    assert parsed.values["management_staff_fte"] == Decimal("2.5")


def test_parse_record_accepts_programme_year_next_year(reference):
    parsed = parse_record({**MINIMAL_RECORD, "programmes": f"interspin:{NEXT_YEAR}"}, reference)

    assert [(p.slug, year) for p, year in parsed.memberships] == [("interspin", NEXT_YEAR)]


def test_parse_record_accepts_german_state_of_cross_border_organisation(reference):
    record = {**MINIMAL_RECORD, "country": "FR", "additional_countries": "DE", "states": "DE-SL"}

    parsed = parse_record(record, reference)

    assert [s.code for s in parsed.states] == ["DE-SL"]


def test_parse_record_rejects_existing_slug_of_other_organisation(reference):
    OrganisationFactory(slug="biotech-nord")

    assert errors_of(MINIMAL_RECORD, reference) == {
        "slug": ["Organisation with this Slug already exists."]
    }


def test_parse_record_accepts_existing_slug_of_same_organisation(reference):
    organisation = OrganisationFactory(slug="biotech-nord")

    parsed = parse_record(MINIMAL_RECORD, reference, existing_pk=organisation.pk)

    assert parsed.slug == "biotech-nord"


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        pytest.param(
            {"country": "XX"}, {"country": ["unknown ISO 3166-1 code 'XX'"]}, id="country"
        ),
        pytest.param(
            {"states": "DE-BW;DE-XX"},
            {"states": ["unknown ISO 3166-2 code 'DE-XX'"]},
            id="state",
        ),
        pytest.param(
            {"country": "FR", "states": "DE-BY"},
            {"states": ["DE-BY lies in DE, not in the organisation's countries"]},
            id="state-outside-country",
        ),
        pytest.param(
            {"additional_countries": "AT;DE"},
            {"additional_countries": ["repeats the country of the seat"]},
            id="additional-country-repeats-seat",
        ),
        pytest.param(
            {"additional_countries": "ZZ"},
            {"additional_countries": ["unknown country code 'ZZ'"]},
            id="additional-country",
        ),
        pytest.param(
            {"target_countries": "US;QQ"},
            {"target_countries": ["unknown country code 'QQ'"]},
            id="target-country",
        ),
        pytest.param(
            {"fields": "automotive;flying-cars"},
            {"fields": ["unknown field 'flying-cars'"]},
            id="field",
        ),
        pytest.param(
            {"offers": "lightweight-construction:teleportation"},
            {"offers": ["unknown capability 'teleportation'"]},
            id="capability",
        ),
        pytest.param(
            {"seeks": "flying-cars:research"},
            {"seeks": ["unknown field 'flying-cars'"]},
            id="competence-field",
        ),
        pytest.param(
            {"offers": ":"},
            {"offers": ["':' names neither field nor capability"]},
            id="competence-empty",
        ),
        pytest.param(
            {"programmes": "exzellenzcluster:2019"},
            {"programmes": ["unknown programme 'exzellenzcluster'"]},
            id="programme",
        ),
        pytest.param(
            {"programmes": "spitzencluster:1700"},
            {"programmes": ["year 1700 of spitzencluster is out of range"]},
            id="programme-year-early",
        ),
        pytest.param(
            {"programmes": f"spitzencluster:{NEXT_YEAR + 5}"},
            {"programmes": [f"year {NEXT_YEAR + 5} of spitzencluster is out of range"]},
            id="programme-year-late",
        ),
        pytest.param(
            {"programmes": "spitzencluster:soon"},
            {"programmes": ["'spitzencluster:soon' has no valid year"]},
            id="programme-year-text",
        ),
        pytest.param(
            {"latitude": "91", "longitude": "10"},
            {"latitude": ["Ensure this value is less than or equal to 90."]},
            id="latitude",
        ),
        pytest.param(
            {"latitude": "10", "longitude": "-181"},
            {"longitude": ["Ensure this value is greater than or equal to -180."]},
            id="longitude",
        ),
        pytest.param(
            {"latitude": "48.1"},
            {"longitude": ["Give both latitude and longitude, or neither."]},
            id="latitude-alone",
        ),
        pytest.param(
            {"longitude": "11.5"},
            {"latitude": ["Give both latitude and longitude, or neither."]},
            id="longitude-alone",
        ),
        pytest.param(
            {"latitude": "48,1", "longitude": "11.5"},
            {"latitude": ["'48,1' is not a number"]},
            id="latitude-decimal-comma",
        ),
        pytest.param(
            {"founding_year": str(NEXT_YEAR)},
            {"founding_year": ["The founding year lies in the future."]},
            id="founding-year-future",
        ),
        pytest.param(
            {"founding_year": "1700"},
            {"founding_year": ["Ensure this value is greater than or equal to 1800."]},
            id="founding-year-early",
        ),
        pytest.param(
            {"members_sme": "many"},
            {"members_sme": ["'many' is not a whole number"]},
            id="members-not-a-number",
        ),
        pytest.param(
            {"members_large": "-3"},
            {"members_large": ["must not be negative, is -3"]},
            id="members-negative",
        ),
        pytest.param(
            {"management_staff_fte": "two"},
            {"management_staff_fte": ["'two' is not a number"]},
            id="fte-not-a-number",
        ),
        pytest.param(
            {"management_staff_fte": "-1"},
            {"management_staff_fte": ["Ensure this value is greater than or equal to 0."]},
            id="fte-negative",
        ),
        pytest.param(
            {"slug": "Not A Slug!"},
            {
                "slug": [
                    "Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."
                ]
            },
            id="slug-invalid",
        ),
        pytest.param(
            {"kind": "factory"},
            {"kind": ["Value 'factory' is not a valid choice."]},
            id="kind",
        ),
        pytest.param(
            {"status": "secret"},
            {"status": ["Value 'secret' is not a valid choice."]},
            id="status",
        ),
        pytest.param(
            {"confidence": "certain"},
            {"confidence": ["Value 'certain' is not a valid choice."]},
            id="confidence",
        ),
        pytest.param(
            {"source_urls": "ftp://x"},
            {"source_urls": ["'ftp://x' is not an http(s) URL"]},
            id="source-url-ftp",
        ),
        pytest.param(
            {"source_urls": "https://example.org;javascript:alert(1)"},
            {"source_urls": ["'javascript:alert(1)' is not an http(s) URL"]},
            id="source-url-javascript",
        ),
        pytest.param(
            {"website": "not a website"},
            {"website": ["Enter a valid URL."]},
            id="website",
        ),
        pytest.param(
            {"website": "ftp://files.example.org"},
            {"website": ["Enter a valid URL."]},
            id="website-ftp",
        ),
        pytest.param(
            {"members_sme": "2147483648"},
            {"members_sme": ["2147483648 is too large"]},
            id="members-too-large",
        ),
        pytest.param({"colour": "green"}, {"colour": ["unknown column"]}, id="unknown-column"),
        pytest.param(
            {"nuts_codes": "DE1;de2"},
            {"nuts_codes": ["de2 is not a NUTS code."]},
            id="nuts-code",
        ),
        pytest.param(
            {"compiled_on": "2024-13-01"},
            {"compiled_on": ["'2024-13-01' is not a date (YYYY-MM-DD)"]},
            id="compiled-on",
        ),
        pytest.param(
            {"compiled_on": "01.05.2024"},
            {"compiled_on": ["'01.05.2024' is not a date (YYYY-MM-DD)"]},
            id="compiled-on-german",
        ),
    ],
)
def test_parse_record_rejects_bad_value(reference, changes, errors):
    assert errors_of({**MINIMAL_RECORD, **changes}, reference) == errors


@pytest.mark.parametrize(
    ("column", "errors"),
    [
        # Columns that are model fields get Django's "blank" message as well.
        ("slug", ["is required"]),
        ("name", ["is required"]),
        ("kind", ["is required"]),
        ("country", ["is required"]),
        ("source_urls", ["is required"]),
    ],
)
def test_parse_record_rejects_missing_required_column(reference, column, errors):
    record = {key: value for key, value in MINIMAL_RECORD.items() if key != column}

    assert errors_of(record, reference) == {column: errors}


@pytest.mark.parametrize("column", ["slug", "name", "kind", "country", "source_urls"])
def test_parse_record_rejects_blank_required_column(reference, column):
    errors = errors_of({**MINIMAL_RECORD, column: "  "}, reference)

    assert list(errors) == [column]
    assert errors[column][0] == "is required"


def test_parse_record_rejects_source_urls_of_only_separators(reference):
    assert errors_of({**MINIMAL_RECORD, "source_urls": " ; ;"}, reference) == {
        "source_urls": ["is required"]
    }


def test_parse_record_names_every_bad_column(reference):
    record = {
        **MINIMAL_RECORD,
        "states": "DE-XX",
        "members_sme": "many",
        "programmes": "exzellenzcluster",
        "compiled_on": "yesterday",
    }

    assert errors_of(record, reference) == {
        "states": ["unknown ISO 3166-2 code 'DE-XX'"],
        "members_sme": ["'many' is not a whole number"],
        "programmes": ["unknown programme 'exzellenzcluster'"],
        "compiled_on": ["'yesterday' is not a date (YYYY-MM-DD)"],
    }


def test_parse_record_drops_repeated_list_items(reference):
    record = {
        **MINIMAL_RECORD,
        "states": "DE-BW;de-bw",
        "programmes": "interspin;interspin",
        "source_urls": "https://example.org/a;https://example.org/a",
    }

    parsed = parse_record(record, reference)

    assert [s.code for s in parsed.states] == ["DE-BW"]
    assert [(p.slug, year) for p, year in parsed.memberships] == [("interspin", None)]
    assert parsed.source_urls == ["https://example.org/a"]


@pytest.mark.parametrize("column", ["latitude", "longitude"])
def test_parse_record_rejects_nan_coordinate(reference, column):
    record = {**MINIMAL_RECORD, "latitude": "48.1", "longitude": "11.5", column: "nan"}

    assert list(errors_of(record, reference)) == [column]


def test_parse_record_rejects_source_url_longer_than_500_characters(reference):
    url = "https://example.org/" + "a" * 481  # 501 characters

    assert list(errors_of({**MINIMAL_RECORD, "source_urls": url}, reference)) == ["source_urls"]


def test_parse_record_rejects_nul_character(reference):
    assert list(errors_of({**MINIMAL_RECORD, "name": "Bio\x00Net"}, reference)) == ["name"]
