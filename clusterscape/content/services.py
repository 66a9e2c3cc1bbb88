"""Every write of content: one function per action, shared by forms, admin, commands and the
API. Each validates (model `full_clean()` plus the domain rules below), checks the permission
through `accounts.permissions`, writes in one transaction, records a version, keeps the
search index in step and invalidates the public-page cache when public pages change.

Roles: members of an organisation write drafts in its name; managers also submit them for
review and archive them; platform editors publish (from the review queue or directly),
send items back with a reason, and write the platform's own items.
"""

import datetime
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import nh3
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.db.models import Model, TextField
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from clusterscape.accounts import permissions
from clusterscape.accounts.history import record_version
from clusterscape.accounts.models import User, Version
from clusterscape.core.cache import public_pages_changed
from clusterscape.registry.models import Country, Field, Organisation
from clusterscape.search.services import store_documents, unindex

from . import documents, queries
from .models import (
    SLUG_MAX_LENGTH,
    CallDeadline,
    ContentItem,
    Event,
    FundingCall,
    NewsItem,
    Project,
    ProjectPartner,
    Status,
)

# Rich text: what survives sanitising. No scripts, styles, event handlers or javascript:
# links; links get rel="noopener noreferrer".
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "u", "a", "ul", "ol", "li", "blockquote",
    "h2", "h3", "h4", "code", "pre", "abbr", "sub", "sup", "table", "thead", "tbody",
    "tr", "th", "td", "caption",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "hreflang"}, "abbr": {"title"}, "th": {"scope"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

IMAGE_MAX_BYTES = 5 * 1024 * 1024
IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
IMAGE_MAX_PIXELS = 40_000_000


class ShippedData:
    """The platform's own import of shipped, sourced data (`manage.py load_content`): writes
    and publishes platform items like an editor; versions record no person."""

    is_authenticated = False

    def __repr__(self) -> str:
        return "SHIPPED_DATA"


SHIPPED_DATA = ShippedData()
Actor = User | ShippedData | None


def _person(by: Actor) -> User | None:
    return None if by is SHIPPED_DATA else by


def sanitise_html(html: str) -> str:
    """Rich text as it may be shown: allowed tags and attributes only, safe links."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def check_image(image: UploadedFile) -> None:
    """Reject files that are too big or not a JPEG, PNG, WebP or GIF image."""
    if image.size is not None and image.size > IMAGE_MAX_BYTES:
        raise ValidationError(
            {"image": _("The image is larger than 5 MB. Please upload a smaller one.")}
        )
    try:
        image.seek(0)
        with Image.open(image) as picture:
            picture_format = picture.format
            width, height = picture.size
            picture.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            {"image": _("The file is not an image we can read (JPEG, PNG, WebP or GIF).")}
        ) from error
    finally:
        image.seek(0)
    if picture_format not in IMAGE_FORMATS:
        raise ValidationError({"image": _("Upload a JPEG, PNG, WebP or GIF image.")})
    if width * height > IMAGE_MAX_PIXELS:
        raise ValidationError({"image": _("The image has too many pixels.")})


# Shared steps


# Path segments of the content URLs that a slug must not take.
RESERVED_SLUGS = {"calendar", "archive", "feed", "organisation", "field", "new"}


def _unique_slug(model: type[ContentItem], title: str, *, exclude_pk: int | None = None) -> str:
    base = (slugify(title) or "item")[: SLUG_MAX_LENGTH - 8].strip("-") or "item"
    existing = RESERVED_SLUGS | set(
        model.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, number = base, 2
    while slug in existing:
        slug = f"{base}-{number}"
        number += 1
    return slug


def _aware(value: datetime.datetime | None, zone_name: str) -> datetime.datetime | None:
    """A naive date-time is read in the item's own time zone."""
    if value is None or timezone.is_aware(value):
        return value
    try:
        zone = zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.make_aware(value, datetime.UTC)
    return value.replace(tzinfo=zone)


def _require_writer(by: Actor, organisation: Organisation | None) -> None:
    """Members write drafts for their organisation; editors for any and for the platform."""
    if by is SHIPPED_DATA:
        return
    if organisation is None:
        permissions.require(
            permissions.is_editor(by), _("Only platform editors write the platform's own items.")
        )
    else:
        permissions.require(permissions.can_act_for_organisation(by, organisation))


def _require_manager(by: Actor, organisation: Organisation | None) -> None:
    if by is SHIPPED_DATA:
        return
    if organisation is None:
        permissions.require(permissions.is_editor(by))
    else:
        permissions.require(permissions.can_manage_organisation(by, organisation))


def _require_editor(by: Actor) -> None:
    if by is SHIPPED_DATA:
        return
    permissions.require(
        permissions.is_editor(by), _("Only platform editors publish and review content.")
    )


def _set_attributes(item: ContentItem, data: dict[str, Any], allowed: set[str]) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise TypeError(f"unknown fields for {type(item).__name__}: {sorted(unknown)}")
    for name, value in data.items():
        setattr(item, name, "" if value is None and _is_text(item, name) else value)


def _is_text(item: ContentItem, name: str) -> bool:
    field = item._meta.get_field(name)
    return field.get_internal_type() in {"CharField", "TextField", "URLField", "SlugField"}


def _validate(item: ContentItem) -> None:
    errors: dict[str, list[ValidationError]] = {}
    try:
        item.full_clean(exclude=["slug"] if not item.slug else None)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    # full_clean leaves the length of text areas to forms; every writer keeps it (the API
    # and imports as well as the editorial forms)
    for field in item._meta.concrete_fields:
        if isinstance(field, TextField) and field.max_length and field.name not in errors:
            try:
                MaxLengthValidator(field.max_length)(getattr(item, field.attname) or "")
            except ValidationError as error:
                errors[field.name] = error.error_list
    if errors:
        raise ValidationError(errors)


def _was_public(item: ContentItem) -> bool:
    if item.pk is None:
        return False
    stored = type(item).objects.filter(pk=item.pk).values("status", "publish_at").first()
    return bool(
        stored
        and stored["status"] == Status.PUBLISHED
        and stored["publish_at"] is not None
        and stored["publish_at"] <= timezone.now()
    )


def _after_write(
    item: ContentItem, *, by: Actor, action: str, was_public: bool, comment: str = ""
) -> None:
    """Version, search index and page cache, inside the write's transaction."""
    record_version(item, by=_person(by), action=action, comment=comment)
    sync_index(item)
    if was_public or queries.is_public(item):
        public_pages_changed()


def sync_index(item: ContentItem) -> None:
    """The item's search document when it is public, none otherwise."""
    kind = documents.KIND_OF[type(item)]
    if queries.is_public(item):
        store_documents([documents.document_for(item)])
    else:
        unindex(kind, item.pk)


def index_due_items() -> int:
    """Index the public items the index lacks (those whose `publish_at` came after they were
    published); returns how many were added. Safe to run at any time, e.g. hourly."""
    from clusterscape.search.models import SearchDocument

    added = 0
    with transaction.atomic():
        for model, kind in documents.KIND_OF.items():
            indexed = SearchDocument.objects.filter(kind=kind).values("object_id")
            due = queries.public(model).exclude(pk__in=indexed).order_by("pk")
            added += store_documents(documents.document_for(item) for item in due)
        if added:
            public_pages_changed()
    return added


def _save_item(
    item: ContentItem,
    *,
    by: Actor,
    data: dict[str, Any],
    allowed: set[str],
    m2m: dict[str, Iterable[Model] | None],
    after_save=None,
) -> ContentItem:
    created = item.pk is None
    was_public = _was_public(item)
    if created:
        _require_writer(by, item.organisation)
    elif item.status in (Status.PUBLISHED, Status.ARCHIVED):
        _require_manager(by, item.organisation)
    else:
        _require_writer(by, item.organisation)
    if "organisation" in data and data["organisation"] != item.organisation:
        _require_writer(by, data["organisation"])
    _set_attributes(item, data, allowed)
    if hasattr(item, "body"):
        item.body = sanitise_html(item.body)
    if not item.language:
        raise ValidationError({"language": _("Choose the language the item is written in.")})
    _validate(item)
    if created and isinstance(by, User) and by.is_authenticated and item.author_id is None:
        item.author = by
    with transaction.atomic():
        if not item.slug:
            item.slug = _unique_slug(type(item), item.title)
        item.save()
        for name, values in m2m.items():
            if values is not None:
                getattr(item, name).set(list(values))
        if after_save is not None:
            after_save(item)
        _after_write(
            item,
            by=by,
            action=Version.Action.CREATE if created else Version.Action.UPDATE,
            was_public=was_public,
        )
    return item


COMMON_FIELDS = {"title", "language", "translation_key", "organisation", "slug"}


# News

NEWS_FIELDS = COMMON_FIELDS | {"teaser", "body", "image", "image_alt", "tags"}


def create_news_item(
    *,
    by: Actor,
    organisation: Organisation | None,
    fields: Sequence[Field] = (),
    **data: Any,
) -> NewsItem:
    """A draft news item of the organisation (None: the platform's own news)."""
    return update_news_item(NewsItem(organisation=organisation), by=by, fields=fields, **data)


def update_news_item(
    item: NewsItem, *, by: Actor, fields: Sequence[Field] | None = None, **data: Any
) -> NewsItem:
    image = data.get("image")
    if image and isinstance(image, UploadedFile):
        check_image(image)
    return _save_item(item, by=by, data=data, allowed=NEWS_FIELDS, m2m={"fields": fields})


# Events

EVENT_FIELDS = COMMON_FIELDS | {
    "kind", "summary", "body", "starts_at", "ends_at", "time_zone", "venue", "city",
    "country", "latitude", "longitude", "online_url", "organiser", "registration_url",
    "registration_deadline",
}  # fmt: skip


def create_event(
    *,
    by: Actor,
    organisation: Organisation | None,
    fields: Sequence[Field] = (),
    **data: Any,
) -> Event:
    return update_event(Event(organisation=organisation), by=by, fields=fields, **data)


def update_event(
    event: Event, *, by: Actor, fields: Sequence[Field] | None = None, **data: Any
) -> Event:
    zone_name = data.get("time_zone") or event.time_zone
    for name in ("starts_at", "ends_at", "registration_deadline"):
        if name in data:
            data[name] = _aware(data[name], zone_name)
    _check_event(event, data)
    return _save_item(event, by=by, data=data, allowed=EVENT_FIELDS, m2m={"fields": fields})


def _check_event(event: Event, data: dict[str, Any]) -> None:
    starts_at = data.get("starts_at", event.starts_at)
    ends_at = data.get("ends_at", event.ends_at)
    errors: dict[str, str] = {}
    if starts_at and ends_at and ends_at < starts_at:
        errors["ends_at"] = _("The event ends before it starts.")
    deadline = data.get("registration_deadline", event.registration_deadline)
    if deadline and ends_at and deadline > ends_at:
        errors["registration_deadline"] = _("Registration closes after the event has ended.")
    online_url = data.get("online_url", event.online_url)
    city = data.get("city", event.city)
    venue = data.get("venue", event.venue)
    if not (online_url or city or venue):
        errors["city"] = _("Give the city and venue, or a link for an online event.")
    latitude = data.get("latitude", event.latitude)
    longitude = data.get("longitude", event.longitude)
    if (latitude is None) != (longitude is None):
        errors["longitude"] = _("Give both latitude and longitude, or neither.")
    if errors:
        raise ValidationError(errors)


# Funding calls

CALL_FIELDS = COMMON_FIELDS | {
    "programme", "programme_name", "funder", "summary", "budget_eur", "max_funding_eur",
    "funding_rate", "eligible_applicants", "official_url", "source_urls",
}  # fmt: skip


@dataclass(frozen=True)
class Deadline:
    """A deadline as entered: a date-time (naive ones are read in the time zone) and what
    is due."""

    deadline_at: datetime.datetime
    time_zone: str = "Europe/Berlin"
    label: str = ""


def create_funding_call(
    *,
    by: Actor,
    organisation: Organisation | None,
    deadlines: Sequence[Deadline],
    fields: Sequence[Field] = (),
    eligible_countries: Sequence[Country] = (),
    **data: Any,
) -> FundingCall:
    return update_funding_call(
        FundingCall(organisation=organisation),
        by=by,
        deadlines=deadlines,
        fields=fields,
        eligible_countries=eligible_countries,
        **data,
    )


def update_funding_call(
    call: FundingCall,
    *,
    by: Actor,
    deadlines: Sequence[Deadline] | None = None,
    fields: Sequence[Field] | None = None,
    eligible_countries: Sequence[Country] | None = None,
    **data: Any,
) -> FundingCall:
    if deadlines is None and call.pk is None:
        deadlines = []
    rows: list[CallDeadline] | None = None
    if deadlines is not None:
        rows = _deadline_rows(deadlines)
        call.first_deadline_at = rows[0].deadline_at
        call.last_deadline_at = rows[-1].deadline_at
    if not (
        data.get("programme", call.programme) or data.get("programme_name", call.programme_name)
    ):
        raise ValidationError(
            {"programme_name": _("Name the programme, or choose it from the registry.")}
        )

    def write_deadlines(saved: FundingCall) -> None:
        if rows is None:
            return
        saved.deadlines.all().delete()
        for row in rows:
            row.call = saved
        CallDeadline.objects.bulk_create(rows)

    return _save_item(
        call,
        by=by,
        data=data,
        allowed=CALL_FIELDS,
        m2m={"fields": fields, "eligible_countries": eligible_countries},
        after_save=write_deadlines,
    )


def _deadline_rows(deadlines: Sequence[Deadline]) -> list[CallDeadline]:
    if not deadlines:
        raise ValidationError({"deadlines": _("A funding call needs at least one deadline.")})
    rows = []
    for deadline in deadlines:
        row = CallDeadline(
            deadline_at=_aware(deadline.deadline_at, deadline.time_zone),
            time_zone=deadline.time_zone,
            label=deadline.label or "",
        )
        try:
            row.full_clean(exclude=["call"])
        except ValidationError as error:
            raise ValidationError({"deadlines": error.messages}) from error
        rows.append(row)
    return sorted(rows, key=lambda row: row.deadline_at)


# Projects

PROJECT_FIELDS = COMMON_FIELDS | {
    "summary", "lead_organisation", "start_date", "end_date", "budget_eur",
    "funding_source", "phase", "outcome_links",
}  # fmt: skip


@dataclass(frozen=True)
class Partner:
    """A project partner: an organisation of the registry, or a name with its country."""

    organisation: Organisation | None = None
    name: str = ""
    country: Country | None = None


def create_project(
    *,
    by: Actor,
    organisation: Organisation | None,
    partners: Sequence[Partner] = (),
    fields: Sequence[Field] = (),
    countries: Sequence[Country] = (),
    **data: Any,
) -> Project:
    return update_project(
        Project(organisation=organisation),
        by=by,
        partners=partners,
        fields=fields,
        countries=countries,
        **data,
    )


def update_project(
    project: Project,
    *,
    by: Actor,
    partners: Sequence[Partner] | None = None,
    fields: Sequence[Field] | None = None,
    countries: Sequence[Country] | None = None,
    **data: Any,
) -> Project:
    start = data.get("start_date", project.start_date)
    end = data.get("end_date", project.end_date)
    if start and end and end < start:
        raise ValidationError({"end_date": _("The project ends before it starts.")})
    links = data.get("outcome_links", project.outcome_links) or ""
    _check_urls(links.splitlines(), "outcome_links")
    rows = None
    if partners is not None:
        rows = []
        for partner in partners:
            if partner.organisation is None and not partner.name.strip():
                raise ValidationError(
                    {"partners": _("Name each partner or choose it from the registry.")}
                )
            rows.append(
                ProjectPartner(
                    organisation=partner.organisation,
                    name=partner.name.strip(),
                    country=partner.country,
                )
            )

    def write_partners(saved: Project) -> None:
        if rows is None:
            return
        saved.partners.all().delete()
        for row in rows:
            row.project = saved
        ProjectPartner.objects.bulk_create(rows)

    return _save_item(
        project,
        by=by,
        data=data,
        allowed=PROJECT_FIELDS,
        m2m={"fields": fields, "countries": countries},
        after_save=write_partners,
    )


def _check_urls(lines: Iterable[str], field: str) -> None:
    from django.core.validators import URLValidator

    validate = URLValidator(schemes=["http", "https"])
    for line in lines:
        if line.strip():
            try:
                validate(line.strip())
            except ValidationError as error:
                raise ValidationError(
                    {field: _("“%(url)s” is not a web address.") % {"url": line.strip()}}
                ) from error


# Workflow (every kind)


def _transition(
    item: ContentItem,
    *,
    to: str,
    allowed_from: set[str],
    by: Actor,
    action: str = Version.Action.UPDATE,
    comment: str = "",
) -> ContentItem:
    if item.status not in allowed_from:
        raise ValidationError(
            {
                "status": _("A %(kind)s that is “%(status)s” cannot become “%(target)s”.")
                % {
                    "kind": item._meta.verbose_name,
                    "status": item.get_status_display(),
                    "target": Status(to).label,
                }
            }
        )
    was_public = _was_public(item)
    with transaction.atomic():
        item.status = to
        item.save()
        _after_write(item, by=by, action=action, was_public=was_public, comment=comment)
    return item


def submit_item(item: ContentItem, *, by: Actor) -> ContentItem:
    """A manager sends a draft to the editors for review."""
    _require_manager(by, item.organisation)
    item.review_note = ""
    return _transition(item, to=Status.SUBMITTED, allowed_from={Status.DRAFT}, by=by)


def publish_item(
    item: ContentItem, *, by: Actor, publish_at: datetime.datetime | None = None
) -> ContentItem:
    """An editor publishes an item (submitted, a draft, or archived), now or at publish_at."""
    _require_editor(by)
    item.publish_at = publish_at or timezone.now()
    item.review_note = ""
    _validate(item)
    return _transition(
        item,
        to=Status.PUBLISHED,
        allowed_from={Status.DRAFT, Status.SUBMITTED, Status.ARCHIVED},
        by=by,
        action=Version.Action.UPDATE,
    )


def reject_item(item: ContentItem, *, by: Actor, reason: str) -> ContentItem:
    """An editor sends a submitted item back to its authors, saying why."""
    _require_editor(by)
    if not reason.strip():
        raise ValidationError({"review_note": _("Tell the authors why the item goes back.")})
    item.review_note = reason.strip()
    return _transition(
        item, to=Status.DRAFT, allowed_from={Status.SUBMITTED}, by=by, comment=reason
    )


def archive_item(item: ContentItem, *, by: Actor) -> ContentItem:
    """Take an item off the public pages (managers for their organisation, editors)."""
    _require_manager(by, item.organisation)
    return _transition(
        item,
        to=Status.ARCHIVED,
        allowed_from={Status.DRAFT, Status.SUBMITTED, Status.PUBLISHED},
        by=by,
        action=Version.Action.ARCHIVE,
    )
