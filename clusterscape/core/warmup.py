"""What a server process loads before its first request, so no visitor waits for it.

Without it, each gunicorn worker's first request imported the URL conf (every view and the
API), built the URL resolver's tables for its language and read the search's analyzer from
the database, and each worker gunicorn starts in place of one that reached its request
limit (gunicorn.conf.py) paid again: a fresh worker's first search took 0.84 s, 0.06 s with
them loaded before. The code is loaded in the master before it forks the workers
(preload_app), so they share it; the analyzer, which reads the database, in each worker
after the fork, since a database connection must not cross a fork.
"""

import contextlib
import logging

from django.conf import settings
from django.db import DatabaseError, connections
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse
from django.utils import translation

logger = logging.getLogger(__name__)


def load_code() -> None:
    """Import the URL conf with every view and the API, and build the URL tables reverse()
    reads, for each language and each namespace (each is built on its first use). No
    database."""
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            _reverse_in_each_namespace(get_resolver(), [])


def _reverse_in_each_namespace(resolver: URLResolver, path: list[str]) -> None:
    for namespace, (_prefix, inner) in resolver.namespace_dict.items():
        names = [name for name in inner.reverse_dict if isinstance(name, str)]
        if names:
            # builds the namespace's table, whether or not the name needs arguments
            with contextlib.suppress(NoReverseMatch):
                reverse(":".join([*path, namespace, names[0]]))
        _reverse_in_each_namespace(inner, [*path, namespace])


def load_search_analyzer() -> None:
    """Build this process's search analyzer from the taxonomy, then close the connection
    that read it (requests open their own). A database that cannot be read leaves the
    analyzer to the first search, which then answers as it would have anyway."""
    from clusterscape.search.lexicon import current_analyzer

    try:
        current_analyzer()
    except DatabaseError as error:
        logger.warning("search analyzer not loaded before the first request: %s", error)
    finally:
        connections.close_all()
