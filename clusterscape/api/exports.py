"""How registry objects look as open data: JSON records for the API and XLSX files. Only
shape, no rules: records come from registry.records (the import/export format)."""

import io
from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from clusterscape.registry.fileformats import csv_value, json_value
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
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("organisations")
    sheet.append(list(COLUMNS))
    for record in records:
        sheet.append([csv_value(record[column]) for column in COLUMNS])
    notes = workbook.create_sheet("licence")
    notes.append([LICENCE])
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()
