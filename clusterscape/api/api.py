"""The HTTP API, version 1: routers over the domain apps' queries and services."""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.errors import ValidationError

from . import errors
from .openapi import ClusterscapeAPI
from .routers.content_writes import router as content_router
from .routers.matchmaking import router as matchmaking_router
from .routers.registry import router as registry_router
from .routers.search import router as search_router
from .schemas import ErrorOut

# The schema is at /api/v1/openapi.json; the interactive docs at /api/v1/docs use the
# Swagger UI files that django-ninja ships (served as static files because "ninja" is an
# installed app), never a CDN.
api = ClusterscapeAPI(
    title="clusterscape API",
    version="1",
    urls_namespace="api-v1",
    docs_url="/docs",
    description=(
        "The cluster landscape as open data: organisations, search, matchmaking, funding, "
        "news, events, funding calls and projects. Feeds beside the API: RSS and Atom at "
        "/en/news/feed/rss/, /en/events/feed/atom/, /en/funding-calls/feed/rss/ (…/atom/); "
        "iCalendar at /en/events/calendar.ics and /en/events/{slug}/event.ics. "
        "Data licence: CC BY 4.0, see /en/about/data/. Guide (resources, pages, errors, "
        "rate limits, ETag, languages, feeds, versioning policy): docs/api.md in the "
        "clusterscape source."
    ),
)
api.add_router("/", search_router)
api.add_router("/", registry_router)
api.add_router("/", matchmaking_router)
api.add_router("/", "clusterscape.api.routers.funding.router")
api.add_router("/", content_router)  # news, events, funding calls, projects: reads and writes
api.add_router("/", "clusterscape.api.routers.brokerage.router")
errors.install(api)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """Input the schemas reject (wrong types, malformed JSON, unknown fields): 422 with
    each field named, in the same shape as every other error of the API."""
    errors: dict[str, list[str]] = {}
    for item in error.errors:
        location = [str(part) for part in item.get("loc", ())]
        if location[:1] == ["body"]:
            location = location[2:] or ["body"]  # ("body", <parameter>, field, ...)
        elif location[:1] in (["query"], ["path"], ["header"], ["cookie"]):
            location = location[1:]
        errors.setdefault(".".join(location) or "request", []).append(str(item.get("msg", "")))
    body = ErrorOut(detail=_("The request is not valid."), errors=errors)
    return api.create_response(request, body.model_dump(), status=422)
