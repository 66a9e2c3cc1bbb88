"""Shipped content from data/content/ (sourced facts only), written through the services."""

import csv
import datetime
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from clusterscape.registry.models import Country, Field, Programme

from . import services
from .models import FundingCall, Status

CALL_COLUMNS = [
    "key", "language", "title", "programme", "programme_name", "funder", "summary",
    "max_funding_eur", "budget_eur", "funding_rate", "eligible_countries",
    "eligible_applicants", "official_url", "published_on", "deadlines", "fields", "source_urls",
]  # fmt: skip


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class RowInvalid(ValueError):
    pass


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _decimal(value: str, column: str) -> Decimal | None:
    if not value.strip():
        return None
    try:
        return Decimal(value.strip())
    except InvalidOperation as error:
        raise RowInvalid(f"{column}: “{value}” is not a number") from error


def parse_deadline(text: str) -> services.Deadline:
    """`2017-03-15 Europe/Berlin|what is due` (a date alone means 23:59 that day)."""
    moment, _bar, label = text.partition("|")
    parts = moment.split()
    if len(parts) != 2:
        raise RowInvalid(f"deadlines: “{text}” needs a date and a time zone")
    when, zone = parts
    try:
        zoneinfo.ZoneInfo(zone)
        if "T" in when:
            value = datetime.datetime.fromisoformat(when)
        else:
            value = datetime.datetime.combine(
                datetime.date.fromisoformat(when), datetime.time(23, 59)
            )
    except (ValueError, zoneinfo.ZoneInfoNotFoundError) as error:
        raise RowInvalid(f"deadlines: “{text}” is not a date with a time zone") from error
    return services.Deadline(value, zone, label.strip())


def call_values(row: dict[str, str]) -> dict:
    countries = _split(row["eligible_countries"])
    known_countries = list(Country.objects.filter(code__in=countries))
    if len(known_countries) != len(countries):
        raise RowInvalid(f"eligible_countries: unknown code in “{row['eligible_countries']}”")
    field_slugs = _split(row["fields"])
    fields = list(Field.objects.filter(slug__in=field_slugs))
    if len(fields) != len(field_slugs):
        raise RowInvalid(f"fields: unknown slug in “{row['fields']}”")
    programme = None
    if row["programme"].strip():
        programme = Programme.objects.filter(slug=row["programme"].strip()).first()
    if not _split(row["source_urls"]):
        raise RowInvalid("source_urls: every row needs its sources")
    return {
        "title": row["title"].strip(),
        "language": row["language"].strip(),
        "programme": programme,
        "programme_name": row["programme_name"].strip(),
        "funder": row["funder"].strip(),
        "summary": row["summary"].strip(),
        "max_funding_eur": _decimal(row["max_funding_eur"], "max_funding_eur"),
        "budget_eur": _decimal(row["budget_eur"], "budget_eur"),
        "funding_rate": _decimal(row["funding_rate"], "funding_rate"),
        "eligible_applicants": row["eligible_applicants"].strip(),
        "official_url": row["official_url"].strip(),
        "source_urls": "\n".join(_split(row["source_urls"])),
        "deadlines": [parse_deadline(text) for text in _split(row["deadlines"])],
        "fields": fields,
        "eligible_countries": known_countries,
    }


def load_calls(path: Path) -> LoadReport:
    """Create or update every call of the file and publish it as of its publishing date.
    All or nothing: one bad row loads no row."""
    report = LoadReport()
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != CALL_COLUMNS:
            report.problems.append(f"columns must be {', '.join(CALL_COLUMNS)}")
            return report
        rows = list(reader)
    try:
        with transaction.atomic():
            for number, row in enumerate(rows, start=1):
                try:
                    _load_call(row, report)
                except (RowInvalid, ValidationError) as error:
                    messages = (
                        [f"{k}: {'; '.join(v)}" for k, v in error.message_dict.items()]
                        if isinstance(error, ValidationError) and hasattr(error, "error_dict")
                        else [
                            str(error.messages[0] if isinstance(error, ValidationError) else error)
                        ]
                    )
                    report.problems.extend(f"row {number}: {message}" for message in messages)
            if report.problems:
                raise RowInvalid("rolled back")
    except RowInvalid:
        report.created.clear()
        report.updated.clear()
    return report


def _load_call(row: dict[str, str], report: LoadReport) -> None:
    key = row["key"].strip()
    values = call_values(row)
    published_on = datetime.date.fromisoformat(row["published_on"].strip())
    publish_at = datetime.datetime.combine(
        published_on, datetime.time(0, 0), zoneinfo.ZoneInfo("Europe/Berlin")
    )
    call = FundingCall.objects.filter(slug=key).first()
    if call is None:
        call = services.create_funding_call(
            by=services.SHIPPED_DATA, organisation=None, slug=key, **values
        )
        report.created.append(key)
    else:
        services.update_funding_call(call, by=services.SHIPPED_DATA, **values)
        report.updated.append(key)
    if call.status != Status.PUBLISHED or call.publish_at != publish_at:
        services.publish_item(call, by=services.SHIPPED_DATA, publish_at=publish_at)
