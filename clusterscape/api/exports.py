"""How registry objects look as open data: JSON records for the API and XLSX files. Only
shape, no rules: records come from registry.records (the import/export format)."""

import csv
import datetime
import io
import json
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from clusterscape.content.models import ContentItem, Event, FundingCall, NewsItem, Project, in_zone
from clusterscape.registry.fileformats import LIST_SEPARATOR, csv_value, json_value
from clusterscape.registry.models import Field, Organisation, PartnerLink, Programme
from clusterscape.registry.queries import programme_rounds
from clusterscape.registry.records import COLUMNS, record_from_organisation

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# What every organisation record says about reuse.
LICENCE = (
    "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/): name clusterscape and the "
    "sources of each record (source_urls)."
)


def requested_fields(value: str) -> list[str] | None:
    """The record fields a `fields=a,b` parameter asks for (all when empty); None when it
    names a field that does not exist."""
    names = [name.strip() for name in value.split(",") if name.strip()]
    if not names:
        return list(COLUMNS)
    if any(name not in COLUMNS for name in names):
        return None
    # slug always comes along: it identifies the record
    return list(dict.fromkeys(["slug", *names]))


def organisation_json(
    organisation: Organisation,
    request: HttpRequest,
    *,
    fields: list[str],
    detail: bool = False,
) -> dict[str, Any]:
    """An organisation's record (relations prefetched) with its profile URL, the licence,
    and on the detail its partner organisations."""
    record = record_from_organisation(organisation)
    data: dict[str, Any] = {name: json_value(name, record[name]) for name in fields}
    data["url"] = request.build_absolute_uri(organisation.get_absolute_url())
    data["licence"] = LICENCE
    if detail:
        data["partners"] = [
            {
                "slug": link.target.slug,
                "kind": link.kind,
                "year": link.year,
                "source": link.source_url,
            }
            for link in organisation.partner_links_out.select_related("target").filter(
                target__status=Organisation.Status.PUBLISHED
            )
        ] + [
            {
                "slug": link.source.slug,
                "kind": link.kind,
                "year": link.year,
                "source": link.source_url,
            }
            for link in organisation.partner_links_in.select_related("source").filter(
                source__status=Organisation.Status.PUBLISHED
            )
        ]
    return data


def field_json(field: Field, organisations: int, request: HttpRequest) -> dict[str, Any]:
    return {
        "slug": field.slug,
        "parent": field.parent.slug if field.parent_id else None,
        "name": field.name,
        "name_de": field.name_de,
        "name_en": field.name_en,
        "synonyms": [s.strip() for s in field.synonyms.split(";") if s.strip()],
        "organisations": organisations,
        "url": request.build_absolute_uri(reverse("registry:field-detail", args=[field.slug])),
    }


def programme_json(programme: Programme, request: HttpRequest) -> dict[str, Any]:
    return {
        "slug": programme.slug,
        "name": programme.name,
        "name_de": programme.name_de,
        "name_en": programme.name_en,
        "level": programme.level,
        "country": programme.country_id,
        "state": programme.state.code if programme.state_id else None,
        "website": programme.website or None,
        "source_urls": programme.source_urls.split(),
        "rounds": [
            {"year": year, "organisations": [o.slug for o in members]}
            for year, members in programme_rounds(programme)
        ],
        "url": request.build_absolute_uri(
            reverse("registry:programme-detail", args=[programme.slug])
        ),
    }


def partnership_json(link: PartnerLink) -> dict[str, Any]:
    return {
        "source": link.source.slug,
        "target": link.target.slug,
        "kind": link.kind,
        "year": link.year,
        "source_url": link.source_url,
    }


def organisations_xlsx(records: Iterable[dict[str, Any]]) -> bytes:
    """Records as a spreadsheet: one header row of the format's columns, one row each."""
    return table_xlsx("organisations", list(COLUMNS), records, cell=csv_value)


def table_xlsx(
    name: str,
    columns: list[str],
    records: Iterable[dict[str, Any]],
    *,
    cell: Callable[[Any], Any],
    licence: str = LICENCE,
) -> bytes:
    """Records as a spreadsheet: a sheet `name` with a header row of the columns and one row
    per record (each value through `cell`), and a sheet with the licence statement."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(name)
    sheet.append(columns)
    for record in records:
        sheet.append([cell(record[column]) for column in columns])
    notes = workbook.create_sheet("licence")
    notes.append([licence])
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


# --- content: news, events, funding calls, projects --------------------------------------

# What a content file says about its items: they are not compiled data under the data
# licence, but texts their organisations published.
CONTENT_NOTE = (
    "Items as published on clusterscape by the organisation each record names "
    "(organisation; none: the platform); each record links its page (url)."
)

COMMON_CONTENT_COLUMNS = [
    "slug", "title", "language", "translation_key", "status", "organisation", "fields",
    "publish_at", "updated_at",
]  # fmt: skip
CONTENT_COLUMNS: dict[str, list[str]] = {
    "news": [*COMMON_CONTENT_COLUMNS, "teaser", "body", "image", "image_alt", "tags"],
    "events": [
        *COMMON_CONTENT_COLUMNS, "kind", "summary", "body", "starts_at", "ends_at",
        "time_zone", "venue", "city", "country", "latitude", "longitude", "online_url",
        "organiser", "registration_url", "registration_deadline", "ical",
    ],
    "calls": [
        *COMMON_CONTENT_COLUMNS, "programme", "programme_name", "funder", "summary",
        "budget_eur", "max_funding_eur", "funding_rate", "eligible_countries",
        "eligible_applicants", "official_url", "source_urls", "deadlines",
        "first_deadline_at", "last_deadline_at",
    ],
    "projects": [
        *COMMON_CONTENT_COLUMNS, "summary", "lead_organisation", "countries", "start_date",
        "end_date", "budget_eur", "funding_source", "phase", "outcome_links", "partners",
    ],
}  # fmt: skip

# The related rows a record reads, per kind: a list fetches them once per page.
CONTENT_RELATED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "news": (("organisation",), ("fields",)),
    "events": (("organisation", "organiser", "country"), ("fields",)),
    "calls": (("organisation", "programme"), ("fields", "eligible_countries", "deadlines")),
    "projects": (
        ("organisation", "lead_organisation"),
        ("fields", "countries", "partners__organisation", "partners__country"),
    ),
}


def with_related(queryset, kind: str):
    """The queryset with what the records of the kind read, fetched in a fixed number of
    queries however many items there are."""
    joined, prefetched = CONTENT_RELATED[kind]
    return queryset.select_related(*joined).prefetch_related(*prefetched)


def requested_content_fields(kind: str, value: str) -> list[str] | None:
    """The record fields a `fields=a,b` parameter asks for (all when empty); None when it
    names a field the kind's records do not have."""
    columns = CONTENT_COLUMNS[kind]
    names = [name.strip() for name in value.split(",") if name.strip()]
    if not names:
        return list(columns)
    if any(name not in columns for name in names):
        return None
    return list(dict.fromkeys(["slug", *names]))


def _moment(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _local(value: datetime.datetime | None, zone: str) -> str | None:
    return in_zone(value, zone).isoformat() if value is not None else None


def _amount(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _slug(organisation: Organisation | None) -> str | None:
    return organisation.slug if organisation is not None else None


def _content_values(item: ContentItem, kind: str, request: HttpRequest) -> dict[str, Any]:
    values: dict[str, Any] = {
        "slug": item.slug,
        "title": item.title,
        "language": item.language,
        "translation_key": str(item.translation_key),
        "status": item.status,
        "organisation": _slug(item.organisation),
        "fields": sorted(field.slug for field in item.fields.all()),
        "publish_at": _moment(item.publish_at),
        "updated_at": _moment(item.updated_at),
    }
    if isinstance(item, NewsItem):
        values.update(
            teaser=item.teaser,
            body=item.body,
            image=request.build_absolute_uri(item.image.url) if item.image else None,
            image_alt=item.image_alt,
            tags=item.tag_list,
        )
    elif isinstance(item, Event):
        values.update(
            kind=item.kind,
            summary=item.summary,
            body=item.body,
            starts_at=_local(item.starts_at, item.time_zone),
            ends_at=_local(item.ends_at, item.time_zone),
            time_zone=item.time_zone,
            venue=item.venue,
            city=item.city,
            country=item.country_id,
            latitude=item.latitude,
            longitude=item.longitude,
            online_url=item.online_url,
            organiser=_slug(item.organiser),
            registration_url=item.registration_url,
            registration_deadline=_local(item.registration_deadline, item.time_zone),
            ical=request.build_absolute_uri(reverse("content:event-ics", args=[item.slug])),
        )
    elif isinstance(item, FundingCall):
        values.update(
            programme=item.programme.slug if item.programme_id else None,
            programme_name=item.programme_label,
            funder=item.funder,
            summary=item.summary,
            budget_eur=_amount(item.budget_eur),
            max_funding_eur=_amount(item.max_funding_eur),
            funding_rate=_amount(item.funding_rate),
            eligible_countries=sorted(country.code for country in item.eligible_countries.all()),
            eligible_applicants=item.eligible_applicants,
            official_url=item.official_url,
            source_urls=item.source_url_list,
            deadlines=[
                {
                    "deadline_at": _local(deadline.deadline_at, deadline.time_zone),
                    "time_zone": deadline.time_zone,
                    "label": deadline.label,
                }
                for deadline in item.deadlines.all()
            ],
            first_deadline_at=_moment(item.first_deadline_at),
            last_deadline_at=_moment(item.last_deadline_at),
        )
    elif isinstance(item, Project):
        values.update(
            summary=item.summary,
            lead_organisation=_slug(item.lead_organisation),
            countries=sorted(country.code for country in item.countries.all()),
            start_date=item.start_date.isoformat() if item.start_date else None,
            end_date=item.end_date.isoformat() if item.end_date else None,
            budget_eur=_amount(item.budget_eur),
            funding_source=item.funding_source,
            phase=item.phase,
            outcome_links=item.outcome_link_list,
            partners=[
                {
                    "organisation": _slug(partner.organisation),
                    "name": partner.display_name,
                    "country": partner.country_id,
                }
                for partner in item.partners.all()
            ],
        )
    return values


def content_json(
    item: ContentItem, kind: str, request: HttpRequest, *, fields: list[str] | None = None
) -> dict[str, Any]:
    """A content item's record (related rows fetched, see with_related): the fields asked
    for, and always its page on the portal (url)."""
    values = _content_values(item, kind, request)
    data = {name: values[name] for name in (fields or CONTENT_COLUMNS[kind])}
    data["url"] = request.build_absolute_uri(item.get_absolute_url())
    return data


def content_cell(value: Any) -> str:
    """A record's value in one cell: lists joined with "; ", a deadline or partner as its
    values joined with spaces."""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(content_cell(item) for item in value)
    if isinstance(value, dict):
        return " ".join(content_cell(item) for item in value.values() if item not in (None, ""))
    return "" if value is None else str(value)


def content_file(kind: str, records: list[dict[str, Any]], file_format: str) -> bytes:
    """Records of one kind as a file: CSV and XLSX with a header row of the kind's columns
    and url, JSON as {format, note, items}."""
    columns = [*CONTENT_COLUMNS[kind], "url"]
    if file_format == "xlsx":
        return table_xlsx(kind, columns, records, cell=content_cell, licence=CONTENT_NOTE)
    stream = io.StringIO()
    if file_format == "csv":
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(columns)
        for record in records:
            writer.writerow([content_cell(record[column]) for column in columns])
    else:
        document = {"format": f"clusterscape-{kind}", "note": CONTENT_NOTE, "items": records}
        json.dump(document, stream, ensure_ascii=False, indent=1)
        stream.write("\n")
    return stream.getvalue().encode()
