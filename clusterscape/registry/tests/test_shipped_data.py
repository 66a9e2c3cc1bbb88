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
