"""The cache of public pages and its invalidation.

Every service that changes what anonymous visitors see calls `public_pages_changed()` inside
its transaction; the new generation takes effect when the transaction commits, so a page
cached from the old state is never served again and a rolled-back write invalidates nothing.

Which pages are cached: the views named in PUBLIC_PAGES and views decorated with
`@public_page`, for GET requests of anonymous visitors (no session cookie, no messages cookie,
no Authorization header), answered 200 without setting cookies of their own. The cache key
holds the generation, the language, the full URL and the htmx headers. A CSRF token in a
cached page (the correction form) is stored as a placeholder and replaced by the visitor's
own token when the page is served. `PublicPageCacheMiddleware` does the work; with
PUBLIC_PAGE_CACHE_SECONDS=0 it is off (the test default).
"""

import contextlib
import hashlib
import logging
import re
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from redis.exceptions import RedisError

from .routers import replicas

logger = logging.getLogger(__name__)
# A cache that is down makes pages slower, never unavailable.
CACHE_ERRORS = (RedisError, OSError)

GENERATION_KEY = "public-pages:generation"
CHANGED_AT_KEY = "public-pages:changed-at"

# Views of other apps opt in with the decorator below; the registry's and search's pages and
# the search API are named here.
PUBLIC_PAGES = frozenset(
    {
        "registry:home",
        "registry:directory",
        "registry:organisation-detail",
        "registry:state-list",
        "registry:state-detail",
        "registry:field-list",
        "registry:field-detail",
        "registry:programme-list",
        "registry:programme-detail",
        "registry:about-data",
        "search:results",
        "api-v1:search",
        "api-v1:suggest",
    }
)
# Headers a cached response keeps (cookies and per-request headers are never stored).
KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "X-Frame-Options", "Location")
CSRF_PLACEHOLDER = "csrf-token-placeholder-8c1f2a"
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="[A-Za-z0-9]{64}"')
CSRF_INPUT_CACHED = f'name="csrfmiddlewaretoken" value="{CSRF_PLACEHOLDER}"'.encode()
CACHE_STATUS_HEADER = "X-Page-Cache"


def public_pages_generation() -> int:
    """The current generation of public pages (part of every page cache key)."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        generation = cache.get(GENERATION_KEY, 1)
    return generation


def public_pages_changed() -> None:
    """Mark every cached public page as stale once the current transaction commits.

    Called once per written record; within one transaction the generation moves once."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        callback is _next_generation for _sids, callback, _robust in connection.run_on_commit
    ):
        return
    # robust: the write is committed; a cache that is down must not turn it into an error
    transaction.on_commit(_next_generation, robust=True)


def _next_generation() -> None:
    cache.set(CHANGED_AT_KEY, time.time(), timeout=None)
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)


def remembered_seconds() -> int:
    """How long `remember` keeps a value: a day where every process shares the cache (a
    write anywhere moves the generation all see), a minute where each process has its own
    (local memory: it hears only of its own writes, like the page cache)."""
    backend = settings.CACHES["default"]["BACKEND"]
    return 60 if backend.endswith("LocMemCache") else 24 * 3600


def remember(name: str, compute: Callable[[], Any], *, timeout: int | None = None) -> Any:
    """The value of compute(), kept per state of the data (the generation) and language:
    figures over every organisation are computed once after each write, not per request.
    A cache that is down only costs the computation."""
    timeout = remembered_seconds() if timeout is None else timeout
    try:
        key = f"remember:{name}:{get_language()}:{public_pages_generation()}"
        value = cache.get(key)
    except CACHE_ERRORS:
        return compute()
    if value is None:
        value = compute()
        with contextlib.suppress(*CACHE_ERRORS):
            cache.set(key, value, timeout=timeout)
    return value


def cache_seconds() -> int:
    """How long a page rendered now may be kept. With read replicas, a page rendered just
    after a write may come from a replica that has not seen it yet: such pages are kept only
    as long as a writer is pinned to the primary (DATABASE_REPLICA_PIN_SECONDS)."""
    seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
    if replicas():
        pin = settings.DATABASE_REPLICA_PIN_SECONDS
        changed_at = cache.get(CHANGED_AT_KEY)
        if changed_at is not None and time.time() - changed_at < pin:
            return min(seconds, pin)
    return seconds


def public_page(view: Callable) -> Callable:
    """Mark a view as a public page: its anonymous GET responses are cached until the next
    `public_pages_changed()`. Use it only where the response is the same for every
    anonymous visitor of the URL (language and htmx headers apart)."""
    view.public_page = True
    return view


def is_anonymous_get(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def page_cache_key(request: HttpRequest) -> str:
    parts = "\n".join(
        (
            get_language() or "",
            request.get_full_path(),
            request.headers.get("HX-Request", ""),
            request.headers.get("HX-Target", ""),
        )
    )
    digest = hashlib.sha256(parts.encode()).hexdigest()
    return f"public-page:{public_pages_generation()}:{digest}"


def cached_page(request: HttpRequest, key: str) -> HttpResponse | None:
    """The cached response for this request, with the visitor's own CSRF token, or None."""
    stored: dict[str, Any] | None = cache.get(key)
    if stored is None:
        return None
    content: bytes = stored["content"]
    if stored["csrf"]:
        content = content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
    response = HttpResponse(content, headers=stored["headers"])
    response[CACHE_STATUS_HEADER] = "hit"
    return response


def store_page(request: HttpRequest, key: str, response: HttpResponse) -> bool:
    """Keep the response for later visitors if it is the same for all of them."""
    if (
        response.status_code != 200
        or response.streaming
        or response.cookies
        or "private" in response.get("Cache-Control", "")
        or "no-store" in response.get("Cache-Control", "")
        or (getattr(request, "session", None) is not None and request.session.modified)
        or getattr(getattr(request, "_messages", None), "added_new", False)
    ):
        return False
    content = response.content
    uses_csrf = bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))
    if uses_csrf:
        content, replaced = CSRF_INPUT.subn(CSRF_INPUT_CACHED, content)
        if not replaced:  # the token is somewhere we can't find it: never share it
            return False
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    cache.set(
        key,
        {"content": content, "headers": headers, "csrf": uses_csrf},
        timeout=cache_seconds(),
    )
    return True


class PublicPageCacheMiddleware:
    """Serve public pages to anonymous visitors from the cache (see the module docstring).

    Sits after CsrfViewMiddleware, so a page served from the cache still gets the visitor's
    CSRF cookie."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        key = getattr(request, "_public_page_key", None)
        if key is not None:
            patch_vary_headers(response, ("HX-Request", "HX-Target"))
            if response.get(CACHE_STATUS_HEADER) != "hit" and request.method == "GET":
                try:
                    stored = store_page(request, key, response)
                except CACHE_ERRORS as error:
                    logger.warning("page cache unavailable: %s", error)
                    stored = False
                response[CACHE_STATUS_HEADER] = "miss" if stored else "skip"
        return response

    def process_view(
        self, request: HttpRequest, view_func: Callable, view_args: tuple, view_kwargs: dict
    ) -> HttpResponse | None:
        if settings.PUBLIC_PAGE_CACHE_SECONDS <= 0 or not is_anonymous_get(request):
            return None
        match = request.resolver_match
        if not (
            getattr(view_func, "public_page", False)
            or (match is not None and match.view_name in PUBLIC_PAGES)
        ):
            return None
        try:
            key = page_cache_key(request)
            response = cached_page(request, key)
        except CACHE_ERRORS as error:
            logger.warning("page cache unavailable: %s", error)
            return None
        request._public_page_key = key
        return response
