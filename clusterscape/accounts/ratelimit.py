"""A small cache-based limiter for sign-in and password reset: after too many failures in a
window the key is locked until the window has passed. Works with any shared cache."""

import hashlib
import time

from django.core.cache import cache

LOGIN_FAILURES_ALLOWED = 5  # per account name
LOGIN_FAILURES_PER_ADDRESS = 20  # per network address (several people may share one)
LOGIN_WINDOW_SECONDS = 15 * 60
RESET_REQUESTS_ALLOWED = 5
RESET_WINDOW_SECONDS = 60 * 60


def _key(scope: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}"


def locked_for(scope: str, value: str, *, allowed: int) -> int:
    """Seconds until the key may try again; 0 when it is not locked."""
    entry = cache.get(_key(scope, value))
    if not entry or entry["count"] < allowed:
        return 0
    return max(0, int(entry["until"] - time.time()))


def hit(scope: str, value: str, *, window: int) -> int:
    """Count one failure (or request); returns the count within the window."""
    key = _key(scope, value)
    entry = cache.get(key)
    now = time.time()
    if not entry or entry["until"] <= now:
        entry = {"count": 0, "until": now + window}
    entry["count"] += 1
    cache.set(key, entry, timeout=max(1, int(entry["until"] - now)))
    return entry["count"]


def clear(scope: str, value: str) -> None:
    cache.delete(_key(scope, value))
