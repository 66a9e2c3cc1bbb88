"""Security middleware of the accounts app: security headers (Content-Security-Policy without
inline scripts) and the second factor for platform staff before the admin."""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from . import services

TWO_FACTOR_SESSION_KEY = "accounts_two_factor"


def content_security_policy() -> str:
    """Scripts only from the site itself (no inline scripts, no eval); styles from the site,
    inline style attributes allowed for the map library and the admin; images from the site,
    data: URLs and the map tile server where one is configured."""
    images = ["'self'", "data:"]
    tile_url = getattr(settings, "MAP_TILE_URL", "")
    if tile_url:
        parts = urlsplit(tile_url.replace("{s}", "a").replace("{z}", "0"))
        if parts.scheme and parts.hostname:
            images.append(f"{parts.scheme}://{parts.netloc.replace('a.', '*.', 1)}")
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": images,
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = content_security_policy()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


# The staff pages beyond the admin: editors' queues and the programme officers' and
# reviewers' working pages. Platform staff reach them only with a second factor.
STAFF_VIEW_MODULES = ("clusterscape.funding.views_work",)
STAFF_URL_NAMES = (
    "content:review-queue",
    "accounts:claim-list",
    "accounts:claim-decide",
    "accounts:validation-queue",
)


def is_staff_page(match, view_func) -> bool:
    return (
        "admin" in match.namespaces
        or match.view_name in STAFF_URL_NAMES
        or getattr(view_func, "__module__", "") in STAFF_VIEW_MODULES
    )


class StaffTwoFactorMiddleware:
    """The admin is reached only through the site's own sign-in (rate limited); the admin and
    the other staff pages, for platform staff, only with a second factor in this session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or not is_staff_page(match, view_func):
            return None
        if "admin" in match.namespaces and match.url_name == "login":
            target = request.GET.get("next") or reverse("admin:index")
            return redirect(f"{reverse('accounts:login')}?next={target}")
        user = request.user
        if (
            user.is_authenticated
            and services.requires_two_factor(user)
            and not request.session.get(TWO_FACTOR_SESSION_KEY)
        ):
            return redirect(f"{reverse('accounts:two-factor-setup')}?next={request.path}")
        return None
