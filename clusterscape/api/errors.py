"""Every error of the API in one machine-readable shape, `{"detail": ..., "errors": {...}}`
(schemas.ErrorOut): unknown keys, authentication, refused rights, bodies that are not JSON
or are too large. Input of the wrong shape (422) is handled in api.py."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError


def _error(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    detail: str,
    errors: dict[str, list[str]] | None = None,
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors or {}}, status=status)


def install(api: NinjaAPI) -> None:
    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
        return _error(api, request, 404, _("Nothing has this key."))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
        return _error(
            api,
            request,
            401,
            _("Send a valid API token (Authorization: Bearer cs_…) or sign in."),
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
        if error.status_code == 400 and error.__cause__ is not None:
            # django-ninja could not read the body: not JSON, not UTF-8, nested too deep
            return _error(
                api,
                request,
                400,
                _("The request body is not valid JSON."),
                {"body": [_("Send one JSON object, encoded as UTF-8.")]},
            )
        return _error(api, request, error.status_code, str(error.message))

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
        return _error(api, request, 403, str(error) or _("You are not allowed to do this."))

    @api.exception_handler(RequestDataTooBig)
    def too_large(request: HttpRequest, error: RequestDataTooBig) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return _error(
            api,
            request,
            413,
            _("The request body is too large."),
            {"body": [_("Send at most %(bytes)s bytes.") % {"bytes": limit}]},
        )
