"""The organisation record: the one exchange format of the registry.

A record is a flat mapping of plain values (codes, slugs, numbers, text) — one CSV row or one
JSON object, as documented in data/README.md. `parse_record` checks one record against the
reference data and the model's rules and returns a `ParsedRecord` or raises `RecordInvalid`
with one message per field. `record_from_organisation` turns a stored organisation back into
the same canonical record, so export → import round-trips without loss.
"""

import datetime
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from .models import (
    Capability,
    Competence,
    Country,
    Field,
    Organisation,
    Programme,
    State,
)

LIST_SEPARATOR = ";"

TEXT_COLUMNS = (
    "name",
    "short_name",
    "city",
    "website",
    "management_organisation",
    "keywords",
    "description_de",
    "description_en",
    "nuts_codes",
)
SCALAR_CODE_COLUMNS = ("slug", "kind", "status", "location_precision", "confidence")
INTEGER_COLUMNS = ("founding_year", *Organisation.MEMBER_FIELDS, "members_year")
LIST_COLUMNS = (
    "additional_countries",
    "states",
    "fields",
    "offers",
    "seeks",
    "target_countries",
    "partner_countries",
    "programmes",
    "source_urls",
)

# The columns of the format, in file order.
COLUMNS = (
    "slug",
    "name",
    "short_name",
    "kind",
    "status",
    "country",
    "additional_countries",
    "states",
    "nuts_codes",
    "city",
    "latitude",
    "longitude",
    "location_precision",
    "website",
    "founding_year",
    "management_organisation",
    "management_staff_fte",
    *Organisation.MEMBER_FIELDS,
    "members_year",
    "fields",
    "keywords",
    "offers",
    "seeks",
    "target_countries",
    "partner_countries",
    "programmes",
    "description_de",
    "description_en",
    "source_urls",
    "compiled_on",
    "confidence",
)
REQUIRED_COLUMNS = ("slug", "name", "kind", "country", "source_urls")

COORDINATE_DECIMALS = 6
MAX_INTEGER = 2_147_483_647  # the largest integer every supported database stores
MAX_URL_LENGTH = 500


class RecordInvalid(Exception):
    """A record broke one or more rules; `errors` maps each column to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


@dataclass
class ReferenceData:
    """The code lists a record may name, loaded once per import (no query per row)."""

    countries: dict[str, Country]
    states: dict[str, State]
    fields: dict[str, Field]
    capabilities: dict[str, Capability]
    programmes: dict[str, Programme]

    @classmethod
    def load(cls) -> "ReferenceData":
        return cls(
            countries={c.code: c for c in Country.objects.all()},
            states={s.code: s for s in State.objects.all()},
            fields={f.slug: f for f in Field.objects.all()},
            capabilities={c.slug: c for c in Capability.objects.all()},
            programmes={p.slug: p for p in Programme.objects.all()},
        )


@dataclass
class ParsedRecord:
    """A valid record: the organisation's own values and its relations, resolved."""

    values: dict[str, Any]
    additional_countries: list[Country] = field(default_factory=list)
    states: list[State] = field(default_factory=list)
    fields: list[Field] = field(default_factory=list)
    competences: list[tuple[str, Field | None, Capability | None]] = field(default_factory=list)
    target_countries: list[Country] = field(default_factory=list)
    partner_countries: list[Country] = field(default_factory=list)
    memberships: list[tuple[Programme, int | None]] = field(default_factory=list)
    source_urls: list[str] = field(default_factory=list)
    canonical: dict[str, Any] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return self.values["slug"]


def split_list(value: Any) -> list[str]:
    """A list column: a JSON array, or text separated by ';'. Blanks are dropped."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        items = [str(item) for item in value]
    else:
        items = str(value).split(LIST_SEPARATOR)
    return [item.strip() for item in items if item.strip()]


def as_text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip()


class ErrorCollector:
    """Collects messages per column while a record is checked."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, column: str, message: str) -> None:
        messages = self.errors.setdefault(column, [])
        if message not in messages:
            messages.append(message)


def _parse_codes(
    raw: Any, table: Mapping[str, Any], column: str, errors: ErrorCollector, what: str
) -> list:
    found = []
    for code in split_list(raw):
        key = code.upper() if column != "fields" else code
        if key not in table:
            errors.add(column, _("unknown %(what)s %(code)r") % {"what": what, "code": code})
        elif table[key] not in found:
            found.append(table[key])
    return found


def _parse_integer(raw: Any, column: str, errors: ErrorCollector) -> int | None:
    text = as_text(raw)
    if text == "":
        return None
    try:
        number = int(text)
    except ValueError:
        errors.add(column, _("%(value)r is not a whole number") % {"value": text})
        return None
    if number < 0:
        errors.add(column, _("must not be negative, is %(value)s") % {"value": number})
        return None
    if number > MAX_INTEGER:
        errors.add(column, _("%(value)s is too large") % {"value": number})
        return None
    return number


def _parse_float(raw: Any, column: str, errors: ErrorCollector) -> float | None:
    text = as_text(raw)
    if text == "":
        return None
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        errors.add(column, _("%(value)r is not a number") % {"value": text})
        return None
    return round(number, COORDINATE_DECIMALS)


def _parse_competences(
    raw: Any, direction: str, reference: ReferenceData, errors: ErrorCollector
) -> list[tuple[str, Field | None, Capability | None]]:
    competences = []
    for item in split_list(raw):
        field_slug, _sep, capability_slug = item.partition(":")
        field_slug, capability_slug = field_slug.strip(), capability_slug.strip()
        field_obj = reference.fields.get(field_slug) if field_slug else None
        capability = reference.capabilities.get(capability_slug) if capability_slug else None
        if field_slug and field_obj is None:
            errors.add(direction, _("unknown field %(code)r") % {"code": field_slug})
            continue
        if capability_slug and capability is None:
            errors.add(direction, _("unknown capability %(code)r") % {"code": capability_slug})
            continue
        if field_obj is None and capability is None:
            errors.add(direction, _("%(item)r names neither field nor capability") % {"item": item})
            continue
        entry = (direction, field_obj, capability)
        if entry not in competences:
            competences.append(entry)
    return competences


def _parse_memberships(
    raw: Any, reference: ReferenceData, errors: ErrorCollector
) -> list[tuple[Programme, int | None]]:
    memberships = []
    for item in split_list(raw):
        slug, _sep, year_text = item.partition(":")
        programme = reference.programmes.get(slug.strip())
        if programme is None:
            errors.add("programmes", _("unknown programme %(code)r") % {"code": slug})
            continue
        year = None
        if year_text.strip():
            try:
                year = int(year_text)
            except ValueError:
                errors.add("programmes", _("%(item)r has no valid year") % {"item": item})
                continue
            if not 1800 <= year <= datetime.date.today().year + 1:
                errors.add(
                    "programmes",
                    _("year %(year)s of %(programme)s is out of range")
                    % {"year": year, "programme": slug},
                )
                continue
        if (programme, year) not in memberships:
            memberships.append((programme, year))
    return memberships


def _parse_urls(raw: Any, errors: ErrorCollector) -> list[str]:
    validate = URLValidator(schemes=["http", "https"])
    urls = []
    for url in split_list(raw):
        if len(url) > MAX_URL_LENGTH:
            errors.add(
                "source_urls",
                _("a URL of %(length)s characters is longer than %(limit)s")
                % {"length": len(url), "limit": MAX_URL_LENGTH},
            )
            continue
        try:
            validate(url)
        except ValidationError:
            errors.add("source_urls", _("%(url)r is not an http(s) URL") % {"url": url})
            continue
        if url not in urls:
            urls.append(url)
    return urls


def normalise_website(value: str) -> str:
    """The shared data names bare domains ("biorn.org"); the registry stores URLs."""
    if value and "://" not in value:
        return f"https://{value}"
    return value


def parse_record(
    raw: Mapping[str, Any], reference: ReferenceData, *, existing_pk: int | None = None
) -> ParsedRecord:
    """Check one record; return it resolved, or raise RecordInvalid naming every bad column."""
    errors = ErrorCollector()
    for column, value in raw.items():
        if any("\x00" in str(item) for item in (value if isinstance(value, list) else [value])):
            errors.add(column, _("contains a NUL character"))
    raw = {
        column: [str(item).replace("\x00", "") for item in value]
        if isinstance(value, list)
        else (value.replace("\x00", "") if isinstance(value, str) else value)
        for column, value in raw.items()
    }
    unknown = sorted(set(raw) - set(COLUMNS))
    for column in unknown:
        errors.add(column, _("unknown column"))
    for column in REQUIRED_COLUMNS:
        present = (
            split_list(raw.get(column)) if column in LIST_COLUMNS else as_text(raw.get(column))
        )
        if not present:
            errors.add(column, _("is required"))

    values: dict[str, Any] = {column: as_text(raw.get(column)) for column in TEXT_COLUMNS}
    values["slug"] = as_text(raw.get("slug"))
    values["website"] = normalise_website(values["website"])
    values["kind"] = as_text(raw.get("kind"))
    values["status"] = as_text(raw.get("status")) or Organisation.Status.PUBLISHED
    values["location_precision"] = as_text(raw.get("location_precision"))
    values["confidence"] = as_text(raw.get("confidence"))
    for column in INTEGER_COLUMNS:
        values[column] = _parse_integer(raw.get(column), column, errors)
    values["latitude"] = _parse_float(raw.get("latitude"), "latitude", errors)
    values["longitude"] = _parse_float(raw.get("longitude"), "longitude", errors)
    fte = as_text(raw.get("management_staff_fte"))
    values["management_staff_fte"] = None
    if fte:
        try:
            values["management_staff_fte"] = Decimal(fte).quantize(Decimal("0.1"))
        except InvalidOperation:
            errors.add("management_staff_fte", _("%(value)r is not a number") % {"value": fte})
    compiled_on = as_text(raw.get("compiled_on"))
    values["compiled_on"] = None
    if compiled_on:
        try:
            values["compiled_on"] = datetime.date.fromisoformat(compiled_on)
        except ValueError:
            errors.add(
                "compiled_on", _("%(value)r is not a date (YYYY-MM-DD)") % {"value": compiled_on}
            )

    country_code = as_text(raw.get("country")).upper()
    country = reference.countries.get(country_code)
    if country_code and country is None:
        errors.add("country", _("unknown ISO 3166-1 code %(code)r") % {"code": country_code})

    parsed = ParsedRecord(
        values=values,
        additional_countries=_parse_codes(
            raw.get("additional_countries"),
            reference.countries,
            "additional_countries",
            errors,
            _("country code"),
        ),
        states=_parse_codes(
            raw.get("states"), reference.states, "states", errors, _("ISO 3166-2 code")
        ),
        fields=_parse_codes(raw.get("fields"), reference.fields, "fields", errors, _("field")),
        competences=[
            *_parse_competences(raw.get("offers"), Competence.Direction.OFFERS, reference, errors),
            *_parse_competences(raw.get("seeks"), Competence.Direction.SEEKS, reference, errors),
        ],
        target_countries=_parse_codes(
            raw.get("target_countries"),
            reference.countries,
            "target_countries",
            errors,
            _("country code"),
        ),
        partner_countries=_parse_codes(
            raw.get("partner_countries"),
            reference.countries,
            "partner_countries",
            errors,
            _("country code"),
        ),
        memberships=_parse_memberships(raw.get("programmes"), reference, errors),
        source_urls=_parse_urls(raw.get("source_urls"), errors),
    )

    if country is not None:
        check_relations(
            country=country,
            additional_countries=parsed.additional_countries,
            states=parsed.states,
            errors=errors,
        )
        organisation = Organisation(pk=existing_pk, country=country, **values)
        # An update checks uniqueness against every row but its own.
        organisation._state.adding = existing_pk is None
        already_reported = set(errors.errors)
        try:
            organisation.full_clean(validate_unique=True)
        except ValidationError as error:
            for column, messages in error.message_dict.items():
                if column in already_reported or column == "id":
                    continue  # one clear message per column is enough
                for message in messages:
                    errors.add(column, message)
    if errors.errors:
        raise RecordInvalid(errors.errors)

    parsed.values["country"] = country
    parsed.canonical = canonical_record(parsed)
    return parsed


def check_relations(
    *,
    country: Country,
    additional_countries: Iterable[Country],
    states: Iterable[State],
    errors: ErrorCollector,
) -> None:
    """Rules that span the organisation and its relations (shared by forms and imports)."""
    countries = {country.code, *(c.code for c in additional_countries)}
    for state in states:
        if state.country_id not in countries:
            errors.add(
                "states",
                _("%(state)s lies in %(in)s, not in the organisation's countries")
                % {"state": state.code, "in": state.country_id},
            )
    if country in additional_countries:
        errors.add("additional_countries", _("repeats the country of the seat"))


def _competence_text(direction: str, competences) -> list[str]:
    items = []
    for item_direction, field_obj, capability in competences:
        if item_direction != direction:
            continue
        field_slug = field_obj.slug if field_obj else ""
        items.append(f"{field_slug}:{capability.slug}" if capability else field_slug)
    return sorted(items)


def _membership_text(memberships: Iterable[tuple[Programme, int | None]]) -> list[str]:
    ordered = sorted(memberships, key=lambda item: (item[0].position, item[0].slug, item[1] or 0))
    return [f"{p.slug}:{year}" if year else p.slug for p, year in ordered]


def _number_text(value: Any) -> str:
    return "" if value is None else str(value)


def _canonical(
    values: Mapping[str, Any],
    *,
    country: Country,
    additional_countries,
    states,
    fields,
    competences,
    target_countries,
    partner_countries,
    memberships,
    source_urls,
) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for column in COLUMNS:
        if column in TEXT_COLUMNS or column in SCALAR_CODE_COLUMNS:
            record[column] = values[column] or ""
    for column in (*INTEGER_COLUMNS, "latitude", "longitude", "management_staff_fte"):
        record[column] = _number_text(values[column])
    record["compiled_on"] = values["compiled_on"].isoformat() if values["compiled_on"] else ""
    record["country"] = country.code
    record["additional_countries"] = sorted(c.code for c in additional_countries)
    record["states"] = sorted(s.code for s in states)
    record["fields"] = sorted(f.slug for f in fields)
    record["offers"] = _competence_text(Competence.Direction.OFFERS, competences)
    record["seeks"] = _competence_text(Competence.Direction.SEEKS, competences)
    record["target_countries"] = sorted(c.code for c in target_countries)
    record["partner_countries"] = sorted(c.code for c in partner_countries)
    record["programmes"] = _membership_text(memberships)
    record["source_urls"] = list(source_urls)
    return {column: record[column] for column in COLUMNS}


def canonical_record(parsed: ParsedRecord) -> dict[str, Any]:
    return _canonical(
        parsed.values,
        country=parsed.values["country"],
        additional_countries=parsed.additional_countries,
        states=parsed.states,
        fields=parsed.fields,
        competences=parsed.competences,
        target_countries=parsed.target_countries,
        partner_countries=parsed.partner_countries,
        memberships=parsed.memberships,
        source_urls=parsed.source_urls,
    )


def record_from_organisation(organisation: Organisation) -> dict[str, Any]:
    """The canonical record of a stored organisation (prefetch relations for lists)."""
    scalar_columns = (
        *TEXT_COLUMNS,
        *INTEGER_COLUMNS,
        *SCALAR_CODE_COLUMNS,
        "latitude",
        "longitude",
        "management_staff_fte",
        "compiled_on",
    )
    values = {column: getattr(organisation, column) for column in scalar_columns}
    return _canonical(
        values,
        country=organisation.country,
        additional_countries=organisation.additional_countries.all(),
        states=organisation.states.all(),
        fields=organisation.fields.all(),
        competences=[(c.direction, c.field, c.capability) for c in organisation.competences.all()],
        target_countries=organisation.target_countries.all(),
        partner_countries=organisation.partner_countries.all(),
        memberships=[(m.programme, m.year) for m in organisation.memberships.all()],
        source_urls=[s.url for s in organisation.sources.all()],
    )
