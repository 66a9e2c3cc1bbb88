import csv
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from clusterscape.registry.models import Organisation, Programme

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

DATA_DIR = Path(settings.BASE_DIR) / "data"


def slugs_in(name: str) -> list[str]:
    with (DATA_DIR / name).open(encoding="utf-8-sig", newline="") as stream:
        return [row["slug"] for row in csv.DictReader(stream) if row["slug"].strip()]


def rows_in(name: str) -> int:
    with (DATA_DIR / name).open(encoding="utf-8-sig", newline="") as stream:
        return sum(1 for _row in csv.DictReader(stream))


def partner_link_rows() -> int:
    path = DATA_DIR / "partnerships.csv"
    if not path.exists():
        return 0
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return sum(1 for _row in csv.DictReader(stream))


def partnerships_line(created: int, unchanged: int) -> str:
    if not (DATA_DIR / "partnerships.csv").exists():
        return ""
    return f"partnerships.csv: {created} created, 0 updated, {unchanged} unchanged\n"


def load() -> str:
    stdout = io.StringIO()
    call_command("load_shipped_data", stdout=stdout, stderr=io.StringIO())
    return stdout.getvalue()


@pytest.fixture
def loaded() -> str:
    return load()


def test_load_shipped_data_creates_every_row(loaded):
    programmes, organisations = slugs_in("programmes.csv"), slugs_in("organisations.csv")

    assert loaded == (
        f"region_centres.csv: 0 created, {rows_in('region_centres.csv')} updated, 0 unchanged\n"
        f"programmes.csv: {len(programmes)} created, 0 updated, 0 unchanged\n"
        f"organisations.csv: {len(organisations)} created, 0 updated, 0 unchanged\n"
        + partnerships_line(partner_link_rows(), 0)
    )
    assert set(Programme.objects.values_list("slug", flat=True)) == set(programmes)
    assert set(Organisation.objects.values_list("slug", flat=True)) == set(organisations)
    assert Organisation.objects.count() == len(organisations)


def test_load_shipped_data_gives_every_organisation_a_source(loaded):
    without_source = Organisation.objects.filter(sources__isnull=True)

    assert Organisation.objects.count() > 0
    assert list(without_source.values_list("slug", flat=True)) == []


def test_load_shipped_data_has_all_15_leading_edge_clusters(loaded):
    leading_edge = Organisation.objects.filter(memberships__programme__slug="spitzencluster")

    assert leading_edge.distinct().count() == 15


def test_load_shipped_data_twice_changes_nothing(loaded):
    before = set(Organisation.objects.values_list("slug", "updated_at"))
    programmes, organisations = slugs_in("programmes.csv"), slugs_in("organisations.csv")

    second = load()

    assert second == (
        f"region_centres.csv: 0 created, 0 updated, {rows_in('region_centres.csv')} unchanged\n"
        f"programmes.csv: 0 created, 0 updated, {len(programmes)} unchanged\n"
        f"organisations.csv: 0 created, 0 updated, {len(organisations)} unchanged\n"
        + partnerships_line(0, partner_link_rows())
    )
    assert set(Organisation.objects.values_list("slug", "updated_at")) == before


def test_load_shipped_data_gives_every_state_and_partner_country_a_centre(loaded):
    from clusterscape.registry.models import Country, State

    assert list(State.objects.filter(centre_latitude__isnull=True)) == []
    unplaced = Country.objects.filter(
        organisations__isnull=False, centre_latitude__isnull=True
    ).distinct()
    assert list(unplaced) == []


def test_load_shipped_data_ships_a_merged_duplicate_once_with_both_programmes(loaded):
    kept = Organisation.objects.get(slug="cluster-mechatronik-automation")

    assert not Organisation.objects.filter(slug="by-mechatronik-automation").exists()
    assert sorted(kept.memberships.values_list("programme__slug", flat=True)) == [
        "cluster-offensive-bayern",
        "interspin",
    ]
    assert kept.city == "Augsburg"


def test_load_shipped_data_ships_an_amended_internationalisation_round_with_its_projects(loaded):
    # Cluster Leistungselektronik: a row of the shared files, amended with its InterSpiN round
    # (2015), partner country and the two projects of its implementation phase.
    cluster = Organisation.objects.get(slug="by-leistungselektronik")

    assert sorted(
        cluster.memberships.values_list("programme__slug", "year"), key=lambda item: item[0]
    ) == [("cluster-offensive-bayern", None), ("interspin", 2015)]
    assert list(cluster.partner_countries.values_list("code", flat=True)) == ["JP"]
    assert cluster.keyword_list[-2:] == ["IsoGap", "SiC-DCBreaker"]
    assert cluster.city == "Nürnberg"


def test_load_shipped_data_gives_compiled_german_rows_descriptions_and_a_date(loaded):
    with (DATA_DIR / "compiled" / "organisations_de_more.csv").open(encoding="utf-8") as stream:
        slugs = [row["slug"] for row in csv.DictReader(stream)]
    rows = Organisation.objects.filter(slug__in=slugs)

    assert rows.count() == len(slugs)
    assert list(rows.filter(description_de="").values_list("slug", flat=True)) == []
    assert list(rows.filter(description_en="").values_list("slug", flat=True)) == []
    assert list(rows.filter(compiled_on__isnull=True).values_list("slug", flat=True)) == []


def convert_shared_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "convert_shared", DATA_DIR / "tools" / "convert_shared.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def amendments_file(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "amendments.csv"
    path.write_text("slug,column,value,source_url,note\n" + "".join(f"{line}\n" for line in lines))
    return path


def shared_row(**values: str) -> dict[str, str]:
    row = dict.fromkeys(("programme_rounds", "partner_countries", "state_iso", "field"), "")
    row.update(city="", website="", source_url="https://example.org/a")
    row.update(values)
    return row


@pytest.mark.unit
def test_amendment_adds_the_year_of_a_programme_and_its_source(tmp_path):
    convert = convert_shared_module()
    rows = [shared_row(slug="olec", programme_rounds="go-cluster")]
    path = amendments_file(tmp_path, "olec,programme_rounds,go-cluster:2015,https://example.org/b,")

    amended = convert.apply_amendments(path, rows)

    assert amended == [
        shared_row(
            slug="olec",
            programme_rounds="go-cluster:2015",
            source_url="https://example.org/a;https://example.org/b",
        )
    ]


@pytest.mark.unit
def test_amendment_merges_a_duplicate_into_the_other_row(tmp_path):
    convert = convert_shared_module()
    rows = [
        shared_row(slug="a", programme_rounds="interspin:2017", state_iso="DE-BY"),
        shared_row(slug="b", programme_rounds="cluster-offensive-bayern", state_iso="DE-BY"),
    ]
    path = amendments_file(tmp_path, "b,merged_into,a,https://example.org/same,")

    amended = convert.apply_amendments(path, rows)

    assert [row["slug"] for row in amended] == ["a"]
    assert amended[0]["programme_rounds"] == "interspin:2017;cluster-offensive-bayern"
    assert amended[0]["state_iso"] == "DE-BY"
    assert amended[0]["merged_slugs"] == "b"
    assert amended[0]["source_url"] == "https://example.org/a;https://example.org/same"


@pytest.mark.unit
def test_amendment_adds_internationalisation_projects_one_per_row(tmp_path):
    convert = convert_shared_module()
    rows = [shared_row(slug="a", project_name="")]
    path = amendments_file(
        tmp_path,
        "a,project_name,IsoGap,https://example.org/b,",
        "a,project_name,SiC-DCBreaker,https://example.org/b,",
    )

    amended = convert.apply_amendments(path, rows)

    assert amended[0]["project_name"] == "IsoGap;SiC-DCBreaker"
    assert amended[0]["source_url"] == "https://example.org/a;https://example.org/b"


@pytest.mark.unit
def test_amendment_refuses_to_overwrite_a_fact_or_change_a_year(tmp_path):
    convert = convert_shared_module()
    rows = [shared_row(slug="a", city="Bonn", programme_rounds="go-cluster:2014")]
    path = amendments_file(
        tmp_path,
        "a,city,Köln,https://example.org/b,",
        "a,programme_rounds,go-cluster:2016,https://example.org/c,",
        "missing,city,Köln,https://example.org/d,",
        "a,name,Other,https://example.org/e,",
    )

    with pytest.raises(convert.ConversionError) as error:
        convert.apply_amendments(path, rows)

    assert error.value.problems == [
        "amendments.csv row 2: city is already 'Bonn'",
        "amendments.csv row 3: programme_rounds 'go-cluster:2016' conflicts with 'go-cluster:2014'",
        "amendments.csv row 4: unknown organisation 'missing'",
        "amendments.csv row 5: column 'name' cannot be amended",
    ]


def judged_sets_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "judged_sets", DATA_DIR / "tools" / "judged_sets.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.unit
def test_judged_rule_expects_every_organisation_of_a_field_or_in_a_place():
    module = judged_sets_module()
    organisations = [
        {"slug": "b", "fields": "hydrogen;photonics", "city": "Jena"},
        {"slug": "a", "fields": "photonics", "city": "Ruhrgebiet (Dortmund)"},
        {"slug": "c", "fields": "", "city": ""},
    ]

    assert module.expected_for("English field: every organisation of photonics", organisations) == [
        "a",
        "b",
    ]
    assert module.expected_for("every organisation of hydrogen, textiles", organisations) == ["b"]
    assert module.expected_for("city: every organisation in Dortmund", organisations) == ["a"]
    assert module.expected_for("abbreviation", organisations) is None


@pytest.mark.unit
def test_judged_rule_sets_are_recomputed_for_the_shipped_data():
    module = judged_sets_module()
    with (DATA_DIR / "organisations.csv").open(encoding="utf-8", newline="") as stream:
        organisations = list(csv.DictReader(stream))
    with module.JUDGED.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))

    assert module.recompute(rows, organisations) == []
