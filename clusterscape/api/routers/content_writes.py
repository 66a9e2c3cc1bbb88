"""Managers write news, events, funding calls and projects by API: the content services
check, save and move the item on (submitted for review, or published where the caller's
role allows it), as for the editorial forms. Keys in the body (organisations, fields,
countries, programme) are looked up here and named in a 422 when unknown."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Status
from ninja.errors import HttpError

from clusterscape.accounts import permissions
from clusterscape.accounts.models import ApiToken
from clusterscape.content import services
from clusterscape.content.models import ContentItem, Event, FundingCall, NewsItem, Project
from clusterscape.content.models import Status as ItemStatus
from clusterscape.registry.models import Country, Field, Organisation, Programme

from .. import exports
from ..auth import TokenAuth, require_token_for, session_auth
from ..content_schemas import (
    CallIn,
    CallOut,
    CallPatchIn,
    EventIn,
    EventOut,
    EventPatchIn,
    NewsIn,
    NewsOut,
    NewsPatchIn,
    ProjectIn,
    ProjectOut,
    ProjectPatchIn,
)
from ..schemas import ErrorOut
from .content import router as content_router

# The writes share the reads' router: one router per path, so that GET and POST /news are
# one operation set (registered in api.py through this module).
router = content_router

AUTH = [TokenAuth(), session_auth]
WRITE_ERRORS = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}

MODELS: dict[str, type[ContentItem]] = {
    "news": NewsItem,
    "events": Event,
    "calls": FundingCall,
    "projects": Project,
}
CREATE: dict[str, Callable[..., ContentItem]] = {
    "news": services.create_news_item,
    "events": services.create_event,
    "calls": services.create_funding_call,
    "projects": services.create_project,
}
UPDATE: dict[str, Callable[..., ContentItem]] = {
    "news": services.update_news_item,
    "events": services.update_event,
    "calls": services.update_funding_call,
    "projects": services.update_project,
}


class Invalid(Exception):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


def _unprocessable(errors: dict[str, list[str]]) -> Status:
    return Status(422, ErrorOut(detail=_("The item is not valid."), errors=errors))


def _error_dict(error: ValidationError) -> dict[str, list[str]]:
    if not hasattr(error, "error_dict"):
        return {"body": [str(message) for message in error.messages]}
    return {
        ("body" if name == NON_FIELD_ERRORS else name): [str(m) for m in messages]
        for name, messages in error.message_dict.items()
    }


# --- keys in the body -----------------------------------------------------------------


class Lookup:
    """Resolves the keys of one body, collecting every unknown one by its field."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def _fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def organisation(self, name: str, slug: str | None) -> Organisation | None:
        if slug is None or slug == "":
            return None
        found = Organisation.objects.filter(slug=slug).first()
        if found is None:
            self._fail(name, _("No organisation has the key “%(key)s”.") % {"key": slug})
        return found

    def country(self, name: str, code: str | None) -> Country | None:
        if code is None or code == "":
            return None
        found = Country.objects.filter(code=code.upper()).first()
        if found is None:
            self._fail(name, _("Unknown country code: %(codes)s.") % {"codes": code})
        return found

    def countries(self, name: str, codes: list[str] | None) -> list[Country]:
        wanted = sorted({code.strip().upper() for code in codes or [] if code.strip()})
        found = list(Country.objects.filter(code__in=wanted))
        unknown = sorted(set(wanted) - {country.code for country in found})
        if unknown:
            self._fail(name, _("Unknown country code: %(codes)s.") % {"codes": ", ".join(unknown)})
        return found

    def fields(self, name: str, slugs: list[str] | None) -> list[Field]:
        wanted = sorted(set(slugs or []))
        found = list(Field.objects.filter(slug__in=wanted))
        unknown = sorted(set(wanted) - {field.slug for field in found})
        if unknown:
            self._fail(name, _("Unknown fields: %(slugs)s.") % {"slugs": ", ".join(unknown)})
        return found

    def programme(self, name: str, slug: str | None) -> Programme | None:
        if slug is None or slug == "":
            return None
        found = Programme.objects.filter(slug=slug).first()
        if found is None:
            self._fail(name, _("No programme has the key “%(key)s”.") % {"key": slug})
        return found


def _arguments(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """The body as the service's arguments: keys as objects, lists as the text the model
    stores. Raises Invalid naming every unknown key."""
    lookup = Lookup()
    arguments = dict(data)
    if "fields" in data:
        arguments["fields"] = lookup.fields("fields", data["fields"])
    if kind == "news" and "tags" in data:
        arguments["tags"] = ", ".join(tag.strip() for tag in data["tags"] or [] if tag.strip())
    if kind == "events":
        if "country" in data:
            arguments["country"] = lookup.country("country", data["country"])
        if "organiser" in data:
            arguments["organiser"] = lookup.organisation("organiser", data["organiser"])
    if kind == "calls":
        if "programme" in data:
            arguments["programme"] = lookup.programme("programme", data["programme"])
        if "eligible_countries" in data:
            arguments["eligible_countries"] = lookup.countries(
                "eligible_countries", data["eligible_countries"]
            )
        if "source_urls" in data:
            arguments["source_urls"] = "\n".join(data["source_urls"] or [])
        if "deadlines" in data:
            arguments["deadlines"] = [
                services.Deadline(**deadline) for deadline in data["deadlines"] or []
            ]
    if kind == "projects":
        if "lead_organisation" in data:
            arguments["lead_organisation"] = lookup.organisation(
                "lead_organisation", data["lead_organisation"]
            )
        if "countries" in data:
            arguments["countries"] = lookup.countries("countries", data["countries"])
        if "outcome_links" in data:
            arguments["outcome_links"] = "\n".join(data["outcome_links"] or [])
        if "partners" in data:
            arguments["partners"] = [
                services.Partner(
                    organisation=lookup.organisation(
                        f"partners.{number}.organisation", partner.get("organisation")
                    ),
                    name=partner.get("name") or "",
                    country=lookup.country(f"partners.{number}.country", partner.get("country")),
                )
                for number, partner in enumerate(data["partners"] or [])
            ]
    if lookup.errors:
        raise Invalid(lookup.errors)
    return arguments


# --- writing --------------------------------------------------------------------------


def _require_right(request: HttpRequest, organisation: Organisation | None) -> None:
    """403 unless the token may write for the organisation, or the signed-in user acts for
    it (or edits the platform). The services check the finer rules again."""
    if isinstance(request.auth, ApiToken):
        if organisation is None:
            raise HttpError(403, _("This token may not write for this organisation."))
        require_token_for(request, organisation)
        return
    if permissions.is_editor(request.user):
        return
    if organisation is None or not permissions.can_act_for_organisation(request.user, organisation):
        raise HttpError(403, _("You may not write for this organisation."))


def _move(item: ContentItem, status: str | None, *, by) -> ContentItem:
    """The item to the status asked for, through the workflow's services."""
    if status is None or status == item.status:
        return item
    if status == ItemStatus.SUBMITTED:
        return services.submit_item(item, by=by)
    if status == ItemStatus.PUBLISHED:
        return services.publish_item(item, by=by)
    if status == ItemStatus.ARCHIVED:
        return services.archive_item(item, by=by)
    return item


def _record(request: HttpRequest, kind: str, item: ContentItem) -> dict[str, Any]:
    saved = exports.with_related(MODELS[kind].objects.all(), kind).get(pk=item.pk)
    return exports.content_json(saved, kind, request)


def _create(request: HttpRequest, kind: str, body) -> Any:
    data = body.model_dump()
    slug = data.pop("organisation")
    status = data.pop("status")
    if data.get("translation_key") is None:
        data.pop("translation_key", None)  # a new key: the item has no other version yet
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        return _unprocessable({"organisation": [_("No organisation has this key.")]})
    _require_right(request, organisation)
    try:
        arguments = _arguments(kind, data)
        with transaction.atomic():
            item = CREATE[kind](by=request.user, organisation=organisation, **arguments)
            _move(item, status, by=request.user)
    except Invalid as invalid:
        return _unprocessable(invalid.errors)
    except ValidationError as error:
        return _unprocessable(_error_dict(error))
    return Status(201, _record(request, kind, item))


def _update(request: HttpRequest, kind: str, slug: str, body) -> Any:
    item = MODELS[kind].objects.select_related("organisation").filter(slug=slug).first()
    if item is None:
        return Status(404, ErrorOut(detail=_("Nothing has this key.")))
    _require_right(request, item.organisation)
    data = body.model_dump(exclude_unset=True)
    status = data.pop("status", None)
    try:
        arguments = _arguments(kind, data)
        with transaction.atomic():
            if arguments or status is None:
                # an empty change still goes through the service: it checks the rights
                item = UPDATE[kind](item, by=request.user, **arguments)
            _move(item, status, by=request.user)
    except Invalid as invalid:
        return _unprocessable(invalid.errors)
    except ValidationError as error:
        return _unprocessable(_error_dict(error))
    return _record(request, kind, item)


WRITE_NOTE = (
    " With an API token issued for the organisation (Authorization: Bearer cs_…) or a "
    "signed-in session with its CSRF token. The content services check the item as for the "
    "editorial forms: 422 names each field that breaks a rule, and then nothing is written; "
    "403 for an organisation the token or account may not write for."
)


@router.post(
    "/news",
    response={201: NewsOut, **WRITE_ERRORS},
    auth=AUTH,
    summary="Write a news item",
    description="A news item of the manager's organisation (no image by API)." + WRITE_NOTE,
)
def news_create(request: HttpRequest, body: NewsIn):
    return _create(request, "news", body)


@router.patch(
    "/news/{slug}",
    response={200: NewsOut, **WRITE_ERRORS},
    auth=AUTH,
    summary="Change a news item",
    description="The fields sent replace the stored ones; status moves it on." + WRITE_NOTE,
)
def news_update(request: HttpRequest, slug: str, body: NewsPatchIn):
    return _update(request, "news", slug, body)


@router.post(
    "/events",
    response={201: EventOut, **WRITE_ERRORS},
    auth=AUTH,
    summary="Write an event",
    description="An event of the manager's organisation; times without an offset are read "
    "in the event's time zone." + WRITE_NOTE,
)
def event_create(request: HttpRequest, body: EventIn):
    return _create(request, "events", body)


@router.patch(
    "/events/{slug}",
    response={200: EventOut, **WRITE_ERRORS},
    auth=AUTH,
    summary="Change an event",
    description="The fields sent replace the stored ones; status moves it on." + WRITE_NOTE,
)
def event_update(request: HttpRequest, slug: str, body: EventPatchIn):
    return _update(request, "events", slug, body)


@router.post(
    "/funding-calls",
    response={201: CallOut, **WRITE_ERRORS},
    auth=AUTH,
    summary="Write a funding call",
    description="A funding call of the manager's organisation with at least one deadline."
    + WRITE_NOTE,
)
def call_create(request: HttpRequest, body: CallIn):
    return _create(request, "calls", body)


@router.patch(
    "/funding-calls/{slug}",
    response={200: CallOut, **WRITE_ERRORS},
    auth=AUTH,
    summary="Change a funding call",
    description="The fields sent replace the stored ones (deadlines as a whole); status "
    "moves it on." + WRITE_NOTE,
)
def call_update(request: HttpRequest, slug: str, body: CallPatchIn):
    return _update(request, "calls", slug, body)


@router.post(
    "/projects",
    response={201: ProjectOut, **WRITE_ERRORS},
    auth=AUTH,
    summary="Write a project",
    description="A project of the manager's organisation with its partners." + WRITE_NOTE,
)
def project_create(request: HttpRequest, body: ProjectIn):
    return _create(request, "projects", body)


@router.patch(
    "/projects/{slug}",
    response={200: ProjectOut, **WRITE_ERRORS},
    auth=AUTH,
    summary="Change a project",
    description="The fields sent replace the stored ones (partners as a whole); status "
    "moves it on." + WRITE_NOTE,
)
def project_update(request: HttpRequest, slug: str, body: ProjectPatchIn):
    return _update(request, "projects", slug, body)
