import datetime
import zoneinfo
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from clusterscape.content import queries
from clusterscape.content.loaders import CALL_COLUMNS, load_calls
from clusterscape.content.models import FundingCall, Status
from clusterscape.registry.tests.factories import ProgrammeFactory
from clusterscape.search.models import SearchDocument

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

SHIPPED = Path(settings.BASE_DIR) / "data" / "content" / "calls.csv"
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def test_shipped_calls_load_as_past_calls_with_their_sources():
    programme = ProgrammeFactory(slug="interspin")

    call_command("load_content")

    call = FundingCall.objects.get()
    assert (call.slug, call.status, call.language, call.programme) == (
        "interspin-dritte-wettbewerbsrunde-2017",
        Status.PUBLISHED,
        "de",
        programme,
    )
    assert call.publish_at == datetime.datetime(2016, 11, 18, 0, 0, tzinfo=BERLIN)
    assert [(d.local_deadline.replace(tzinfo=None), d.label) for d in call.deadlines.all()] == [
        (datetime.datetime(2017, 3, 15, 23, 59), "Bewerbungsunterlagen")
    ]
    assert call.max_funding_eur == Decimal("4000000")
    assert list(call.eligible_countries.values_list("code", flat=True)) == ["DE"]
    assert len(call.source_url_list) == 6
    assert list(queries.open_calls()) == []
    assert list(queries.past_calls()) == [call]
    assert SearchDocument.objects.filter(kind="call").count() == 1


def test_loading_twice_changes_nothing():
    call_command("load_content")
    call_command("load_content")

    assert FundingCall.objects.count() == 1
    assert FundingCall.objects.get().deadlines.count() == 1


def test_a_bad_row_loads_nothing(tmp_path):
    header = ",".join(CALL_COLUMNS)
    good = SHIPPED.read_text(encoding="utf-8").split("\n", 1)[1]
    bad = (
        "no-deadline,de,Title,,Programme,BMBF,Summary,,,,,,https://example.org,2020-01-01,,,"
        "https://example.org/source\n"
    )
    path = tmp_path / "calls.csv"
    path.write_text(f"{header}\n{good}{bad}", encoding="utf-8")

    report = load_calls(path)

    assert report.problems == ["row 2: deadlines: A funding call needs at least one deadline."]
    assert FundingCall.objects.count() == 0


def test_command_fails_on_problems(tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text("key,title\n", encoding="utf-8")

    with pytest.raises(CommandError):
        call_command("load_content", calls=path)
