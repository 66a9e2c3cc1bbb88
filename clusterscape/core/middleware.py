"""Operations middleware: request ids and the request log, and a clear 503 while the database
is unreachable."""

import logging
import re
import sys
import time
import uuid
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.defaults import server_error as default_server_error

from .logging import request_id_var

request_logger = logging.getLogger("clusterscape.request")
logger = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-ID"
# An incoming id (from a load balancer or proxy) is kept if it looks like one: 8 to 128 letters,
# digits, dots, dashes or underscores. Anything else is replaced, so logs can't be forged.
WELL_FORMED_ID = re.compile(r"[A-Za-z0-9._-]{8,128}")
RETRY_AFTER_SECONDS = 5


class RequestIdMiddleware:
    """Give every request an id (kept from X-Request-ID when well formed), send it back in
    X-Request-ID, put it on every log record, and log one line per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if WELL_FORMED_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            request_logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "page_cache": response.get("X-Page-Cache", ""),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


class DatabaseUnavailableMiddleware:
    """Answer 503 with a short page when the database can't be reached, instead of a 500.

    Django opens a new connection for the next request (CONN_HEALTH_CHECKS), so the site
    recovers by itself once the database is back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OperationalError | InterfaceError):
            logger.warning("database unavailable: %s", exception)
            return database_unavailable_response()
        return None


def database_unavailable_response() -> HttpResponse:
    """A page that needs neither the database nor templates."""
    title = _("Temporarily unavailable")
    text = _(
        "The database cannot be reached at the moment. Please try again in a few seconds; "
        "nothing you sent before this has been lost."
    )
    body = (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
        f"<body><main><h1>{title}</h1><p>{text}</p></main></body></html>"
    )
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: database errors outside a view (e.g. loading the session) are a 503 too."""
    exception = sys.exc_info()[1]
    if isinstance(exception, OperationalError | InterfaceError):
        return database_unavailable_response()
    return default_server_error(request)
