"""Health endpoints for load balancers and orchestrators, answered before any other
middleware (no host check, no HTTPS redirect, no session, no language prefix):

- /healthz: the process is up and serving (never touches the database).
- /readyz: every configured database (primary and replicas) and the cache answer; 503 with
  the failing checks otherwise, so a load balancer stops sending traffic here.
"""

import json
import logging
from collections.abc import Callable

from django.core.cache import cache
from django.db import connections
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

HEALTH_PATHS = ("/healthz", "/readyz")


def readiness() -> dict[str, str]:
    """Each check by name: "ok" or the reason it failed."""
    checks: dict[str, str] = {}
    for alias in connections:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
            checks[f"database:{alias}"] = "ok"
        except Exception as error:
            checks[f"database:{alias}"] = f"{type(error).__name__}: {error}".strip()
    try:
        cache.set("readyz", "ok", timeout=10)
        checks["cache"] = "ok" if cache.get("readyz") == "ok" else "value not read back"
    except Exception as error:
        checks["cache"] = f"{type(error).__name__}: {error}".strip()
    return checks


def _json(data: dict, status: int) -> HttpResponse:
    response = HttpResponse(json.dumps(data), status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info.rstrip("/")
        if path == "/healthz":
            return _json({"status": "ok"}, 200)
        if path == "/readyz":
            checks = readiness()
            ready = all(value == "ok" for value in checks.values())
            if not ready:
                logger.warning("not ready: %s", checks)
            return _json(
                {"status": "ok" if ready else "unavailable", "checks": checks},
                200 if ready else 503,
            )
        return self.get_response(request)
