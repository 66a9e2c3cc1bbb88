"""What every API response gets, around the routers: the language of `?lang=`, CORS for
reads, ETag/Last-Modified with 304, and a rate limit per token or address (429 with
Retry-After)."""

import hashlib
import json
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import parse_http_date_safe
from django.utils.translation import gettext as _

API_PREFIX = "/api/"
READ_METHODS = ("GET", "HEAD", "OPTIONS")
LANGUAGES = {code for code, _name in settings.LANGUAGES}
RATE_WINDOW_SECONDS = 60


def _client_key(request: HttpRequest) -> tuple[str, int]:
    """Who is asking (a token, else the address) and how many requests a minute they get."""
    authorization = request.headers.get("Authorization", "")
    if authorization.startswith("Bearer ") and len(authorization) > 7:
        digest = hashlib.sha256(authorization[7:].encode()).hexdigest()[:32]
        return f"token:{digest}", settings.API_RATE_LIMIT_PER_TOKEN
    return f"address:{request.META.get('REMOTE_ADDR', '')}", settings.API_RATE_LIMIT_PER_ADDRESS


def _over_limit(request: HttpRequest) -> int:
    """Seconds until the client may ask again, or 0 when within its limit."""
    client, limit = _client_key(request)
    if limit <= 0:
        return 0
    now = time.time()
    window = int(now // RATE_WINDOW_SECONDS)
    key = f"api-rate:{client}:{window}"
    cache.add(key, 0, timeout=RATE_WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=RATE_WINDOW_SECONDS * 2)
        count = 1
    if count <= limit:
        return 0
    return max(1, int((window + 1) * RATE_WINDOW_SECONDS - now + 0.999))


class ApiMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        language = request.GET.get("lang", "")
        if language in LANGUAGES:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        retry_after = _over_limit(request)
        if retry_after:
            response = HttpResponse(
                json.dumps(
                    {
                        "detail": _("Too many requests; try again in %(seconds)s seconds.")
                        % {"seconds": retry_after},
                        "errors": {},
                    }
                ),
                content_type="application/json",
                status=429,
            )
            response["Retry-After"] = str(retry_after)
            return response
        response = self.get_response(request)
        patch_vary_headers(response, ["Accept-Language"])
        if request.method in READ_METHODS:
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Retry-After"
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            response = self._conditional(request, response)
        return response

    def _conditional(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if response.streaming:
            return response
        if not response.has_header("ETag"):
            response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
        not_modified = get_conditional_response(
            request, etag=response["ETag"], last_modified=last_modified, response=response
        )
        return not_modified or response
