import csv

import pytest

from clusterscape.registry import services
from clusterscape.registry.models import PartnerLink

from .factories import OrganisationFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

COLUMNS = ["source_slug", "target_slug", "kind", "year", "source_url"]


def write_links(path, rows):
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def pair():
    return OrganisationFactory(slug="its-owl"), OrganisationFactory(slug="dimecc", country_id="FI")


LINK = {
    "source_slug": "its-owl",
    "target_slug": "dimecc",
    "kind": "cooperation",
    "year": "2017",
    "source_url": "https://example.org/its-owl-dimecc",
}


def test_import_partner_links_creates_then_reports_unchanged(tmp_path, pair):
    path = write_links(tmp_path / "partnerships.csv", [LINK])

    first = services.import_partner_links(path)
    second = services.import_partner_links(path)

    link = PartnerLink.objects.get()
    assert (link.source, link.target, link.kind, link.year) == (*pair, "cooperation", 2017)
    assert link.source_url == "https://example.org/its-owl-dimecc"
    assert (first.created, second.unchanged) == (["its-owl->dimecc"], ["its-owl->dimecc"])


def test_import_partner_links_updates_year_of_existing_link(tmp_path, pair):
    services.import_partner_links(write_links(tmp_path / "a.csv", [LINK]))

    report = services.import_partner_links(write_links(tmp_path / "b.csv", [{**LINK, "year": ""}]))

    assert report.updated == ["its-owl->dimecc"]
    assert PartnerLink.objects.get().year is None


@pytest.mark.parametrize(
    ("change", "column", "message"),
    [
        ({"target_slug": "nobody"}, "target_slug", "unknown organisation 'nobody'"),
        ({"kind": "friendship"}, "kind", "Value 'friendship' is not a valid choice."),
        ({"year": "soon"}, "year", "is not a whole number"),
        ({"source_url": "ftp://x"}, "source_url", "Enter a valid URL."),
        (
            {"target_slug": "its-owl"},
            "target_slug",
            "An organisation cannot be its own partner.",
        ),
    ],
)
def test_import_partner_links_refuses_bad_row_and_writes_nothing(
    tmp_path, pair, change, column, message
):
    good = {**LINK, "kind": "project"}
    path = write_links(tmp_path / "partnerships.csv", [good, {**LINK, **change}])

    report = services.import_partner_links(path)

    assert [(p.location, p.column, p.message) for p in report.problems] == [
        ("row 3", column, message)
    ]
    assert PartnerLink.objects.count() == 0


def test_import_partner_links_refuses_repeated_link(tmp_path, pair):
    path = write_links(tmp_path / "partnerships.csv", [LINK, LINK])

    report = services.import_partner_links(path)

    assert [str(p) for p in report.problems] == ["row 3, target_slug: this link repeats row 2"]
    assert PartnerLink.objects.count() == 0
