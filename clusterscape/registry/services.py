"""Every write to the registry. Commands, admin, forms and the API call these functions."""

import csv
import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from clusterscape.accounts.history import ensure_baseline, record_version
from clusterscape.accounts.models import User, Version
from clusterscape.core.cache import public_pages_changed
from clusterscape.matchmaking import index as match_index
from clusterscape.search import services as search_services

from . import fileformats
from .models import (
    Competence,
    CorrectionSuggestion,
    Country,
    Organisation,
    PartnerLink,
    Programme,
    ProgrammeMembership,
    Source,
    State,
)
from .records import (
    ErrorCollector,
    ParsedRecord,
    RecordInvalid,
    ReferenceData,
    check_relations,
    parse_record,
    record_from_organisation,
)

logger = logging.getLogger(__name__)

PROGRESS_MIN_ROWS = 500
LOOKUP_CHUNK = 500


@dataclass(frozen=True)
class RowProblem:
    location: str
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}, {self.column}: {self.message}"


@dataclass
class ImportReport:
    total: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    rejected: list[fileformats.RawRecord] = field(default_factory=list)
    written: bool = False

    @property
    def valid(self) -> bool:
        return not self.problems


def organisations_for_records() -> QuerySet[Organisation]:
    """Organisations with every relation a record needs, in a fixed number of queries."""
    return Organisation.objects.select_related("country").prefetch_related(
        "additional_countries",
        "states",
        "fields",
        "target_countries",
        "partner_countries",
        "competences__field",
        "competences__capability",
        "memberships__programme",
        "sources",
    )


def _existing_by_slug(slugs: list[str]) -> dict[str, Organisation]:
    found = {}
    for start in range(0, len(slugs), LOOKUP_CHUNK):
        chunk = slugs[start : start + LOOKUP_CHUNK]
        found.update({o.slug: o for o in organisations_for_records().filter(slug__in=chunk)})
    return found


def _write(
    parsed: ParsedRecord,
    existing: Organisation | None,
    *,
    by: User | None = None,
    action: str | None = None,
    comment: str = "",
) -> Organisation:
    if existing is None:
        organisation = Organisation(**parsed.values)
    else:
        ensure_baseline(existing)  # the state before this write, if it has no version yet
        organisation = existing
        for name, value in parsed.values.items():
            setattr(organisation, name, value)
    organisation.save()
    organisation.additional_countries.set(parsed.additional_countries)
    organisation.states.set(parsed.states)
    organisation.fields.set(parsed.fields)
    organisation.target_countries.set(parsed.target_countries)
    organisation.partner_countries.set(parsed.partner_countries)
    organisation.competences.all().delete()
    Competence.objects.bulk_create(
        [
            Competence(organisation=organisation, direction=d, field=f, capability=c)
            for d, f, c in parsed.competences
        ]
    )
    organisation.memberships.all().delete()
    ProgrammeMembership.objects.bulk_create(
        [
            ProgrammeMembership(organisation=organisation, programme=programme, year=year)
            for programme, year in parsed.memberships
        ]
    )
    organisation.sources.all().delete()
    Source.objects.bulk_create(
        [
            Source(organisation=organisation, url=url, position=index)
            for index, url in enumerate(parsed.source_urls)
        ]
    )
    search_services.index_organisation(organisation)  # the search index, same transaction
    match_index.index_match_profile(organisation)  # the match index, same transaction
    public_pages_changed()  # cached public pages are stale once this commits
    record_version(
        organisation,
        by=by,
        action=action or (Version.Action.CREATE if existing is None else Version.Action.UPDATE),
        comment=comment,
    )
    return organisation


def save_organisation_record(
    raw: Mapping[str, Any],
    *,
    reference: ReferenceData | None = None,
    by: User | None = None,
    action: str | None = None,
    comment: str = "",
) -> tuple[Organisation, str]:
    """Create or update one organisation from a record, matched by slug.

    Returns the organisation and what happened: "created", "updated" or "unchanged" (an
    unchanged record writes nothing). Raises RecordInvalid naming each bad column.
    """
    reference = reference or ReferenceData.load()
    slug = str(raw.get("slug") or "").strip()
    existing = _existing_by_slug([slug]).get(slug) if slug else None
    parsed = parse_record(raw, reference, existing_pk=existing.pk if existing else None)
    if existing is not None and record_from_organisation(existing) == parsed.canonical:
        return existing, "unchanged"
    with transaction.atomic():
        organisation = _write(parsed, existing, by=by, action=action, comment=comment)
    return organisation, "created" if existing is None else "updated"


def import_organisations(
    path: Path,
    *,
    file_format: str | None = None,
    skip_invalid: bool = False,
    progress: bool = False,
) -> ImportReport:
    """Import a CSV or JSON file of organisation records, upserting by slug.

    Every record is checked before anything is written. With problems and without
    `skip_invalid` nothing is written; with `skip_invalid` the valid records are written and
    the invalid ones are in `report.rejected`. All writes happen in one transaction.
    Raises fileformats.FileInvalid when the file as a whole can't be read.
    """
    raw_records = fileformats.read_records(
        path, max_bytes=settings.IMPORT_MAX_BYTES, file_format=file_format
    )
    report = ImportReport(total=len(raw_records))
    reference = ReferenceData.load()
    slugs = [str(r.values.get("slug") or "").strip() for r in raw_records]
    existing = _existing_by_slug([slug for slug in slugs if slug])
    show = progress and len(raw_records) >= PROGRESS_MIN_ROWS

    seen: dict[str, str] = {}
    valid: list[ParsedRecord] = []
    for raw in tqdm(raw_records, desc=_("checking"), unit=" rows", disable=not show):
        slug = str(raw.values.get("slug") or "").strip()
        problems = []
        if slug in seen:
            problems.append(
                RowProblem(
                    raw.location,
                    "slug",
                    _("%(slug)r repeats %(first)s") % {"slug": slug, "first": seen[slug]},
                )
            )
        elif slug:
            seen[slug] = raw.location
        current = existing.get(slug)
        try:
            parsed = parse_record(
                raw.values, reference, existing_pk=current.pk if current else None
            )
        except RecordInvalid as invalid:
            problems.extend(
                RowProblem(raw.location, column, message)
                for column, messages in invalid.errors.items()
                for message in messages
            )
        if problems:
            report.problems.extend(problems)
            report.rejected.append(raw)
            continue
        valid.append(parsed)

    if report.problems and not skip_invalid:
        return report

    with transaction.atomic():
        for parsed in tqdm(valid, desc=_("writing"), unit=" rows", disable=not show):
            current = existing.get(parsed.slug)
            if current is not None and record_from_organisation(current) == parsed.canonical:
                report.unchanged.append(parsed.slug)
                continue
            _write(parsed, current)
            (report.updated if current else report.created).append(parsed.slug)
    report.written = True
    logger.info(
        "imported %s: %s created, %s updated, %s unchanged, %s rejected",
        path,
        len(report.created),
        len(report.updated),
        len(report.unchanged),
        len(report.rejected),
    )
    return report


def write_rejects(report: ImportReport, stream: TextIO) -> None:
    """The rejected records with their problems, as CSV, for fixing and importing again."""
    columns: list[str] = []
    for raw in report.rejected:
        columns.extend(column for column in raw.values if column not in columns)
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(["location", "problems", *columns])
    by_location: dict[str, list[str]] = {}
    for problem in report.problems:
        by_location.setdefault(problem.location, []).append(f"{problem.column}: {problem.message}")
    for raw in report.rejected:
        writer.writerow(
            [
                raw.location,
                " | ".join(by_location.get(raw.location, [])),
                *(fileformats.csv_value(raw.values.get(column)) for column in columns),
            ]
        )


def organisation_records(queryset: QuerySet[Organisation] | None = None) -> Iterator[dict]:
    """Canonical records of organisations (all by default), ordered by slug."""
    queryset = queryset if queryset is not None else Organisation.objects.all()
    ids = queryset.order_by("slug").values_list("pk", flat=True)
    ids = list(ids)
    for start in range(0, len(ids), LOOKUP_CHUNK):
        chunk = organisations_for_records().filter(pk__in=ids[start : start + LOOKUP_CHUNK])
        yield from (record_from_organisation(o) for o in chunk.order_by("slug"))


def export_organisations(
    stream: TextIO, *, file_format: str, queryset: QuerySet[Organisation] | None = None
) -> int:
    records = organisation_records(queryset)
    if file_format == "csv":
        return fileformats.write_csv(records, stream)
    if file_format == "json":
        return fileformats.write_json(records, stream)
    raise ValueError(f"unknown format {file_format!r}")


def check_organisation_relations(
    *, country, additional_countries: Iterable, states: Iterable
) -> None:
    """The cross-relation rules of records.check_relations, as a ValidationError (for forms)."""
    errors = ErrorCollector()
    check_relations(
        country=country,
        additional_countries=list(additional_countries),
        states=list(states),
        errors=errors,
    )
    if errors.errors:
        raise ValidationError(errors.errors)


PROGRAMME_COLUMNS = (
    "slug",
    "name_de",
    "name_en",
    "level",
    "country",
    "state",
    "website",
    "description_de",
    "description_en",
    "source_urls",
    "position",
)


def import_programmes(path: Path) -> ImportReport:
    """Create or update programmes from a CSV file (data/programmes.csv), matched by slug.

    Every row is checked first; with any problem nothing is written.
    """
    raw_records = fileformats.read_records(
        path, max_bytes=settings.IMPORT_MAX_BYTES, file_format="csv"
    )
    report = ImportReport(total=len(raw_records))
    existing = {p.slug: p for p in Programme.objects.all()}
    checked: list[tuple[Programme, bool]] = []
    seen: dict[str, str] = {}
    for raw in raw_records:
        values = {key: (value or "").strip() for key, value in raw.values.items()}
        slug = values.get("slug", "")
        if slug in seen:
            report.problems.append(
                RowProblem(
                    raw.location,
                    "slug",
                    _("%(slug)r repeats %(first)s") % {"slug": slug, "first": seen[slug]},
                )
            )
            continue
        seen[slug] = raw.location
        unknown = sorted(set(values) - set(PROGRAMME_COLUMNS))
        for column in unknown:
            report.problems.append(RowProblem(raw.location, column, _("unknown column")))
        programme = existing.get(values.get("slug", "")) or Programme()
        before = {column: _programme_value(programme, column) for column in PROGRAMME_COLUMNS}
        programme.slug = values.get("slug", "")
        for column in ("name_de", "name_en", "level", "website", "description_de"):
            setattr(programme, column, values.get(column, ""))
        programme.description_en = values.get("description_en", "")
        programme.country_id = values.get("country") or None
        programme.state_id = values.get("state") or None
        programme.source_urls = "\n".join(
            url.strip() for url in values.get("source_urls", "").split(";") if url.strip()
        )
        try:
            programme.position = int(values.get("position") or 0)
        except ValueError:
            report.problems.append(RowProblem(raw.location, "position", _("is not a whole number")))
        try:
            programme.full_clean()
        except ValidationError as error:
            report.problems.extend(
                RowProblem(raw.location, column, message)
                for column, messages in error.message_dict.items()
                for message in messages
            )
            continue
        after = {column: _programme_value(programme, column) for column in PROGRAMME_COLUMNS}
        checked.append((programme, before != after))
    if report.problems:
        return report
    with transaction.atomic():
        for programme, changed in checked:
            if not changed:
                report.unchanged.append(programme.slug)
                continue
            created = programme.pk is None
            programme.save()
            public_pages_changed()
            (report.created if created else report.updated).append(programme.slug)
    report.written = True
    return report


def _programme_value(programme: Programme, column: str) -> Any:
    if column in ("country", "state"):
        return getattr(programme, f"{column}_id")
    return getattr(programme, column)


PARTNER_LINK_COLUMNS = ("source_slug", "target_slug", "kind", "year", "source_url")


def import_partner_links(path: Path) -> ImportReport:
    """Create or update sourced partner links (data/partnerships.csv), matched by the pair
    of organisations and the kind. Every row is checked first; with any problem nothing is
    written."""
    raw_records = fileformats.read_records(
        path, max_bytes=settings.IMPORT_MAX_BYTES, file_format="csv"
    )
    report = ImportReport(total=len(raw_records))
    slugs = {
        value.strip()
        for raw in raw_records
        for column in ("source_slug", "target_slug")
        if (value := raw.values.get(column))
    }
    organisations = {o.slug: o for o in Organisation.objects.filter(slug__in=slugs)}
    existing = {
        (link.source_id, link.target_id, link.kind): link for link in PartnerLink.objects.all()
    }
    checked: list[tuple[PartnerLink, bool]] = []
    seen: dict[tuple, str] = {}
    for raw in raw_records:
        values = {key: (value or "").strip() for key, value in raw.values.items()}
        problems = [
            RowProblem(raw.location, column, _("unknown column"))
            for column in sorted(set(values) - set(PARTNER_LINK_COLUMNS))
        ]
        ends = {}
        for column in ("source_slug", "target_slug"):
            organisation = organisations.get(values.get(column, ""))
            if organisation is None:
                problems.append(
                    RowProblem(
                        raw.location,
                        column,
                        _("unknown organisation %(slug)r") % {"slug": values.get(column, "")},
                    )
                )
            ends[column] = organisation
        year = None
        if values.get("year"):
            try:
                year = int(values["year"])
            except ValueError:
                problems.append(RowProblem(raw.location, "year", _("is not a whole number")))
        if problems:
            report.problems.extend(problems)
            continue
        key = (ends["source_slug"].pk, ends["target_slug"].pk, values.get("kind", ""))
        if key in seen:
            report.problems.append(
                RowProblem(
                    raw.location,
                    "target_slug",
                    _("this link repeats %(first)s") % {"first": seen[key]},
                )
            )
            continue
        seen[key] = raw.location
        link = existing.get(key) or PartnerLink(
            source=ends["source_slug"], target=ends["target_slug"], kind=values.get("kind", "")
        )
        before = (link.year, link.source_url)
        link.year = year
        link.source_url = values.get("source_url", "")
        try:
            link.full_clean(validate_unique=False)
        except ValidationError as error:
            report.problems.extend(
                RowProblem(raw.location, _link_column(column), message)
                for column, messages in error.message_dict.items()
                for message in messages
            )
            continue
        checked.append((link, link.pk is None or before != (link.year, link.source_url)))
    if report.problems:
        return report
    with transaction.atomic():
        for link, changed in checked:
            label = f"{link.source.slug}->{link.target.slug}"
            if not changed:
                report.unchanged.append(label)
                continue
            created = link.pk is None
            link.save()
            # both records list their partners: they changed (their Last-Modified in the API)
            Organisation.objects.filter(pk__in=[link.source_id, link.target_id]).update(
                updated_at=timezone.now()
            )
            public_pages_changed()
            (report.created if created else report.updated).append(label)
    report.written = True
    return report


def _link_column(field_name: str) -> str:
    return {"source": "source_slug", "target": "target_slug", NON_FIELD_ERRORS: "target_slug"}.get(
        field_name, field_name
    )


def suggest_correction(
    organisation: Organisation, *, message: str, email: str = ""
) -> CorrectionSuggestion:
    """Record a visitor's correction for the editors. Raises ValidationError naming the field."""
    suggestion = CorrectionSuggestion(
        organisation=organisation, message=message.strip(), email=email.strip()
    )
    suggestion.full_clean()
    suggestion.save()
    logger.info("correction suggested for %s (#%s)", organisation.slug, suggestion.pk)
    return suggestion


MERGE_FILLABLE_FIELDS = (
    "short_name",
    "description_de",
    "description_en",
    "nuts_codes",
    "city",
    "website",
    "founding_year",
    "management_organisation",
    "management_staff_fte",
    *Organisation.MEMBER_FIELDS,
    "members_year",
    "compiled_on",
)


def merge_organisations(
    source: Organisation, target: Organisation, *, by: User | None = None
) -> Organisation:
    """Merge a duplicate (`source`) into `target`, losing nothing.

    The target keeps its own values and takes the source's where it has none; relations,
    sources (both provenances), memberships, competences, partner links and correction
    suggestions are united. The source is archived with `merged_into` set, so its address
    redirects to the target, and organisations merged into it earlier follow along.
    """
    if source.pk == target.pk:
        raise ValidationError({"target": _("An organisation cannot be merged into itself.")})
    if target.status == Organisation.Status.ARCHIVED:
        raise ValidationError({"target": _("Cannot merge into an archived organisation.")})
    if source.merged_into_id is not None:
        raise ValidationError({"source": _("This organisation was already merged.")})
    with transaction.atomic():
        source = Organisation.objects.select_for_update().get(pk=source.pk)
        target = Organisation.objects.select_for_update().get(pk=target.pk)
        ensure_baseline(source)
        ensure_baseline(target)
        for name in MERGE_FILLABLE_FIELDS:
            if getattr(target, name) in ("", None) and getattr(source, name) not in ("", None):
                setattr(target, name, getattr(source, name))
        if target.latitude is None and source.latitude is not None:
            target.latitude, target.longitude = source.latitude, source.longitude
            target.location_precision = source.location_precision
        keywords = target.keyword_list + [
            word for word in source.keyword_list if word not in target.keyword_list
        ]
        target.keywords = ";".join(keywords)
        target.full_clean()
        target.save()

        for relation in (
            "additional_countries",
            "states",
            "fields",
            "target_countries",
            "partner_countries",
        ):
            getattr(target, relation).add(*getattr(source, relation).all())
        target.additional_countries.remove(target.country)

        known_urls = set(target.sources.values_list("url", flat=True))
        position = target.sources.count()
        for url in source.sources.values_list("url", flat=True):
            if url not in known_urls:
                Source.objects.create(organisation=target, url=url, position=position)
                position += 1
        known_memberships = set(target.memberships.values_list("programme_id", "year"))
        for membership in source.memberships.all():
            if (membership.programme_id, membership.year) not in known_memberships:
                membership.pk = None
                membership.organisation = target
                membership.save()
        known_competences = set(
            target.competences.values_list("direction", "field_id", "capability_id")
        )
        for competence in source.competences.all():
            if (competence.direction, competence.field_id, competence.capability_id) not in (
                known_competences
            ):
                competence.pk = None
                competence.organisation = target
                competence.save()

        for link in PartnerLink.objects.filter(source=source):
            _repoint_link(link, source=target)
        for link in PartnerLink.objects.filter(target=source):
            _repoint_link(link, target=target)
        source.correction_suggestions.update(organisation=target)
        Organisation.objects.filter(merged_into=source).update(merged_into=target)

        source.status = Organisation.Status.ARCHIVED
        source.merged_into = target
        source.save(update_fields=["status", "merged_into", "updated_at"])
        search_services.index_organisation(source)
        search_services.index_organisation(target)
        public_pages_changed()
        record_version(target, by=by, comment=f"merged {source.slug} into this profile")
        record_version(
            source, by=by, action=Version.Action.ARCHIVE, comment=f"merged into {target.slug}"
        )
    logger.info("merged %s into %s", source.slug, target.slug)
    return target


def _repoint_link(link: PartnerLink, **ends: Organisation) -> None:
    """Point a partner link at the merge target; drop it where it would link the target with
    itself or repeat a link the target already has."""
    for end, organisation in ends.items():
        setattr(link, end, organisation)
    duplicate = (
        PartnerLink.objects.filter(source=link.source, target=link.target, kind=link.kind)
        .exclude(pk=link.pk)
        .exists()
    )
    if link.source_id == link.target_id or duplicate:
        link.delete()
    else:
        link.save()


def import_region_centres(path: Path) -> ImportReport:
    """Set the approximate centres of countries and German states (data/region_centres.csv),
    where organisations known only by their region are drawn. Nothing is written when any
    row is invalid."""
    raw_records = fileformats.read_records(
        path, max_bytes=settings.IMPORT_MAX_BYTES, file_format="csv"
    )
    report = ImportReport(total=len(raw_records))
    regions = {
        **{c.code: c for c in Country.objects.all()},
        **{s.code: s for s in State.objects.all()},
    }
    changed = []
    for raw in raw_records:
        code = (raw.values.get("code") or "").strip()
        region = regions.get(code)
        if region is None:
            report.problems.append(
                RowProblem(raw.location, "code", _("unknown region code %(code)r") % {"code": code})
            )
            continue
        try:
            latitude = float(raw.values.get("latitude") or "")
            longitude = float(raw.values.get("longitude") or "")
        except ValueError:
            report.problems.append(RowProblem(raw.location, "latitude", _("is not a number")))
            continue
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            report.problems.append(
                RowProblem(raw.location, "latitude", _("the coordinates are out of range"))
            )
            continue
        if (region.centre_latitude, region.centre_longitude) == (latitude, longitude):
            report.unchanged.append(code)
            continue
        region.centre_latitude, region.centre_longitude = latitude, longitude
        changed.append(region)
    if report.problems:
        return report
    with transaction.atomic():
        for region in changed:
            region.save(update_fields=["centre_latitude", "centre_longitude"])
            public_pages_changed()
            report.updated.append(region.pk)
    report.written = True
    return report


def organisation_saved(organisation: Organisation, *, by: User | None, action: str) -> None:
    """After a write outside the record format (the admin's form with its inlines): bring the
    search index in line and keep the version. Call inside the write's transaction."""
    search_services.index_organisation(organisation)
    match_index.index_match_profile(organisation)
    public_pages_changed()
    record_version(organisation, by=by, action=action)


def set_organisation_status(
    organisation: Organisation, *, status: str, by: User | None, comment: str = ""
) -> Organisation:
    """Publish, send back to draft, archive (the soft delete) or bring back an organisation."""
    if status not in Organisation.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    action = {
        Organisation.Status.ARCHIVED: Version.Action.ARCHIVE,
    }.get(status, Version.Action.UPDATE)
    if organisation.status == Organisation.Status.ARCHIVED and status != organisation.status:
        action = Version.Action.RESTORE
    with transaction.atomic():
        ensure_baseline(Organisation.objects.get(pk=organisation.pk))
        organisation.status = status
        organisation.save(update_fields=["status", "updated_at"])
        search_services.index_organisation(organisation)
        match_index.index_match_profile(organisation)
        public_pages_changed()
        record_version(organisation, by=by, action=action, comment=comment)
    return organisation


def archive_organisation(organisation: Organisation, *, by: User | None) -> Organisation:
    """Deleting an organisation archives it: hidden from the public, kept with its history,
    undone by `unarchive_organisation`."""
    return set_organisation_status(organisation, status=Organisation.Status.ARCHIVED, by=by)


def unarchive_organisation(organisation: Organisation, *, by: User | None) -> Organisation:
    """Undo an archive: the status the organisation had before it (published by default)."""
    from clusterscape.accounts.history import versions_of

    previous = (
        versions_of(organisation)
        .exclude(action=Version.Action.ARCHIVE)
        .exclude(data__status=Organisation.Status.ARCHIVED)
        .first()
    )
    status = (previous.data.get("status") if previous else None) or Organisation.Status.PUBLISHED
    return set_organisation_status(organisation, status=status, by=by)
