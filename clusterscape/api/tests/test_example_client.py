"""examples/export_organisations.py, run as a script against a live server: it pages
through every organisation by the `next` links and writes them as CSV or JSON."""

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from clusterscape.registry.tests.factories import SourceFactory
from clusterscape.search.tests.factories import indexed_organisation

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCRIPT = Path(settings.BASE_DIR) / "examples" / "export_organisations.py"
SLUGS = [f"cluster-{number:03}" for number in range(1, 106)]  # two pages of 100


@pytest.fixture
def organisations():
    for slug in SLUGS:
        organisation = indexed_organisation(
            slug=slug, name=slug.replace("-", " ").title(), states=("DE-SN",)
        )
        SourceFactory(organisation=organisation, url=f"https://example.org/{slug}")
    indexed_organisation(slug="biorn", name="BioRN", states=("DE-BW",))


def run(live_server, tmp_path, *args: str) -> tuple[Path, str]:
    output = tmp_path / "export"
    finished = subprocess.run(  # noqa: S603 — our own script, fixed arguments
        [sys.executable, str(SCRIPT), live_server.url, "--output", str(output), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return output, finished.stderr


@override_settings(API_RATE_LIMIT_PER_ADDRESS=0)
def test_example_client_pages_through_every_organisation_to_csv(
    organisations, live_server, tmp_path
):
    output, message = run(live_server, tmp_path, "--format", "csv", "--param", "state=DE-SN")

    with output.open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert message == "105 organisations\n"
    assert [row["slug"] for row in rows] == SLUGS
    assert (rows[0]["name"], rows[0]["states"], rows[0]["source_urls"]) == (
        "Cluster 001",
        "DE-SN",
        "https://example.org/cluster-001",
    )


@override_settings(API_RATE_LIMIT_PER_ADDRESS=0)
def test_example_client_writes_json_with_the_licence(organisations, live_server, tmp_path):
    output, message = run(live_server, tmp_path, "--format", "json")

    document = json.loads(output.read_text(encoding="utf-8"))
    assert message == "106 organisations\n"
    assert [record["slug"] for record in document["organisations"]] == ["biorn", *SLUGS]
    assert document["licence"].startswith("CC BY 4.0")
