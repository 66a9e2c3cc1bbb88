"""Read replicas: public reads from a replica, writes and reading one's own writes from the
primary (`DATABASE_REPLICA_URLS`, see docs/deploy.md).

Reads go to a replica only inside `replica_reads()`, which `ReplicaRoutingMiddleware` opens
for GET and HEAD requests of a client that has not written in the last
DATABASE_REPLICA_PIN_SECONDS: for anonymous visitors every read, for signed-in users (a
session cookie) and API clients with a token only the search index's. Everything else reads
from the primary: other methods, requests right after a write by the same client (a cookie
marks them), reads inside a transaction, reads after a write in the same block (a GET that
writes reads its own write), management commands, the worker and tests. Writes always go to
the primary.

Raw SQL (the search index) takes its connection from `read_connection(model)`, so it is
routed like the ORM's reads.
"""

import contextvars
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse

PRIMARY = "default"
PIN_COOKIE = "read_primary"


@dataclass
class _ReplicaReads:
    search_only: bool = False
    wrote: bool = False


_replica_reads: contextvars.ContextVar[_ReplicaReads | None] = contextvars.ContextVar(
    "replica_reads", default=None
)


def replicas() -> list[str]:
    return [alias for alias in settings.DATABASES if alias != PRIMARY]


@contextmanager
def replica_reads(*, search_only: bool = False) -> Iterator[_ReplicaReads]:
    """Let reads in this block (only those of the search index with `search_only`) go to a
    replica (they may lag the primary a little) until the block writes; from then on it
    reads from the primary."""
    state = _ReplicaReads(search_only=search_only)
    token = _replica_reads.set(state)
    try:
        yield state
    finally:
        _replica_reads.reset(token)


def read_connection(model: type) -> BaseDatabaseWrapper:
    """The connection the router picks for reading the model's table, for raw SQL."""
    return connections[router.db_for_read(model)]


class PrimaryReplicaRouter:
    def db_for_read(self, model: type, **hints: object) -> str:
        aliases = replicas()
        state = _replica_reads.get()
        if not aliases or state is None or state.wrote or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        if state.search_only and model._meta.app_label != "search":
            return PRIMARY
        return random.choice(aliases)  # noqa: S311 - spreading load, not security

    def db_for_write(self, model: type, **hints: object) -> str:
        state = _replica_reads.get()
        if state is not None:
            state.wrote = True
        return PRIMARY

    def allow_relation(self, obj1: object, obj2: object, **hints: object) -> bool:
        return True  # replicas hold the same data as the primary

    def allow_migrate(self, db: str, app_label: str, **hints: object) -> bool:
        return db == PRIMARY  # replicas get the schema by replication


class ReplicaRoutingMiddleware:
    """GET and HEAD read from replicas unless this client wrote recently (signed-in users and
    token clients only search: their own pages read from the primary); a request with any
    other method, or a GET that wrote, reads from the primary and pins the client's next
    requests to it for DATABASE_REPLICA_PIN_SECONDS, so it sees its own write before the
    replicas have it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replicas():
            return self.get_response(request)
        if request.method in ("GET", "HEAD") and PIN_COOKIE not in request.COOKIES:
            identified = (
                settings.SESSION_COOKIE_NAME in request.COOKIES
                or "HTTP_AUTHORIZATION" in request.META
            )
            with replica_reads(search_only=identified) as reads:
                response = self.get_response(request)
            wrote = reads.wrote
        else:
            response = self.get_response(request)
            wrote = request.method not in ("GET", "HEAD", "OPTIONS")
        if wrote:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.DATABASE_REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
