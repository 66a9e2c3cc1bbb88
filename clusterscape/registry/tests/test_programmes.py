import csv
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusterscape.registry import services
from clusterscape.registry.models import Programme
from clusterscape.registry.services import RowProblem

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

SPITZENCLUSTER = {
    "slug": "spitzencluster",
    "name_de": "Spitzencluster-Wettbewerb",
    "name_en": "Leading-Edge Cluster Competition",
    "level": "federal",
    "country": "DE",
    "state": "",
    "website": "https://www.bmbf.de/spitzencluster",
    "description_de": "Wettbewerb des Bundes.",
    "description_en": "Federal competition.",
    "source_urls": "https://example.org/a; https://example.org/b",
    "position": "1",
}
CLUSTER_BW = {
    "slug": "clusterportal-bw",
    "name_de": "Clusterpolitik Baden-Württemberg",
    "name_en": "Cluster policy of Baden-Württemberg",
    "level": "state",
    "country": "DE",
    "state": "DE-BW",
    "website": "",
    "description_de": "",
    "description_en": "",
    "source_urls": "https://example.org/bw",
    "position": "2",
}


def write_csv(path: Path, rows: list[dict]) -> Path:
    columns = list(dict.fromkeys(column for row in rows for column in row))
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].split()[0].upper() in ("INSERT", "UPDATE", "DELETE")
    ]


def test_import_programmes_creates_programmes(tmp_path):
    path = write_csv(tmp_path / "programmes.csv", [SPITZENCLUSTER, CLUSTER_BW])

    report = services.import_programmes(path)

    assert report.problems == []
    assert report.written is True
    assert report.created == ["spitzencluster", "clusterportal-bw"]
    assert (report.updated, report.unchanged) == ([], [])
    programme = Programme.objects.get(slug="spitzencluster")
    assert (programme.name_de, programme.name_en, programme.level) == (
        "Spitzencluster-Wettbewerb",
        "Leading-Edge Cluster Competition",
        "federal",
    )
    assert (programme.country_id, programme.state_id) == ("DE", None)
    assert programme.website == "https://www.bmbf.de/spitzencluster"
    assert programme.description_en == "Federal competition."
    assert programme.source_urls == "https://example.org/a\nhttps://example.org/b"
    assert programme.position == 1
    state_programme = Programme.objects.get(slug="clusterportal-bw")
    assert (state_programme.level, state_programme.state_id) == ("state", "DE-BW")


def test_import_programmes_twice_writes_nothing(tmp_path):
    path = write_csv(tmp_path / "programmes.csv", [SPITZENCLUSTER, CLUSTER_BW])
    services.import_programmes(path)

    with CaptureQueriesContext(connection) as queries:
        report = services.import_programmes(path)

    assert report.problems == []
    assert report.unchanged == ["spitzencluster", "clusterportal-bw"]
    assert (report.created, report.updated) == ([], [])
    assert writes(queries) == []


def test_import_programmes_updates_changed_row(tmp_path):
    services.import_programmes(write_csv(tmp_path / "first.csv", [SPITZENCLUSTER, CLUSTER_BW]))
    changed = {**CLUSTER_BW, "name_en": "Cluster policy of the Land"}

    report = services.import_programmes(
        write_csv(tmp_path / "second.csv", [SPITZENCLUSTER, changed])
    )

    assert report.problems == []
    assert report.updated == ["clusterportal-bw"]
    assert report.unchanged == ["spitzencluster"]
    assert report.created == []
    assert Programme.objects.get(slug="clusterportal-bw").name_en == "Cluster policy of the Land"
    assert Programme.objects.count() == 2


@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        pytest.param(
            {"level": "galactic"},
            [RowProblem("row 3", "level", "Value 'galactic' is not a valid choice.")],
            id="level",
        ),
        pytest.param(
            {"country": "XX"},
            [
                RowProblem(
                    "row 3", "country", "country instance with code 'XX' is not a valid choice."
                )
            ],
            id="country",
        ),
        pytest.param(
            {"state": "DE-XX"},
            [
                RowProblem(
                    "row 3",
                    "state",
                    "German state instance with code 'DE-XX' is not a valid choice.",
                )
            ],
            id="state",
        ),
        pytest.param(
            {"position": "first"},
            [RowProblem("row 3", "position", "is not a whole number")],
            id="position",
        ),
        pytest.param(
            {"name_de": ""},
            [RowProblem("row 3", "name_de", "This field cannot be blank.")],
            id="name",
        ),
        pytest.param(
            {"colour": "blue"},
            # The column is in the header, so every row has it.
            [
                RowProblem("row 2", "colour", "unknown column"),
                RowProblem("row 3", "colour", "unknown column"),
            ],
            id="unknown-column",
        ),
    ],
)
def test_import_programmes_with_problem_writes_nothing(tmp_path, changes, problems):
    services.import_programmes(write_csv(tmp_path / "first.csv", [SPITZENCLUSTER]))
    rows = [{**SPITZENCLUSTER, "name_en": "Renamed"}, {**CLUSTER_BW, **changes}]

    report = services.import_programmes(write_csv(tmp_path / "second.csv", rows))

    assert report.problems == problems
    assert report.written is False
    assert (report.created, report.updated, report.unchanged) == ([], [], [])
    assert list(Programme.objects.values_list("slug", "name_en")) == [
        ("spitzencluster", "Leading-Edge Cluster Competition")
    ]


def test_import_programmes_repeated_slug_is_a_problem(tmp_path):
    path = write_csv(tmp_path / "programmes.csv", [SPITZENCLUSTER, {**SPITZENCLUSTER}])

    report = services.import_programmes(path)

    assert [(problem.location, problem.column) for problem in report.problems] == [
        ("row 3", "slug")
    ]
    assert Programme.objects.count() == 0
