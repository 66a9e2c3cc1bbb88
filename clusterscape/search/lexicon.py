"""The analyzer with the taxonomy's words as its compound lexicon, built once per process
and built again when the taxonomy's labels change anywhere (`lexicon_changed`)."""

import contextlib
import logging
import os
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from clusterscape.core.cache import CACHE_ERRORS
from clusterscape.registry.models import Field

from . import analysis

logger = logging.getLogger(__name__)

# The generation of the taxonomy's labels, in the cache every process shares (Redis) and in
# a file every process of the machine shares (var/): without Redis each process's cache is
# its own, and a label edited in one gunicorn worker reached the others only when gunicorn
# replaced them. A process compares both with those its analyzer was built for at most
# every CHECK_SECONDS.
GENERATION_KEY = "search:lexicon-generation"
CHECK_SECONDS = 10.0

_lock = threading.Lock()
_analyzer: analysis.Analyzer | None = None
_built_for: object = None
_checked_at = 0.0


def current_analyzer() -> analysis.Analyzer:
    """The analyzer whose compound lexicon holds the taxonomy's labels and synonyms in both
    languages (read from the database on first use; `reset_analyzer` forgets it here, and
    `lexicon_changed` in every process that shares the cache, within CHECK_SECONDS)."""
    global _analyzer, _built_for, _checked_at
    with _lock:
        now = time.monotonic()
        if _analyzer is not None and now - _checked_at >= CHECK_SECONDS:
            _checked_at = now
            if _generation() != _built_for:
                _analyzer = None
        if _analyzer is None:
            _built_for, _checked_at = _generation(), now
            labels = []
            for name_de, name_en, synonyms in Field.objects.values_list(
                "name_de", "name_en", "synonyms"
            ):
                labels.extend([name_de, name_en, *synonyms.split(";")])
            _analyzer = analysis.Analyzer.from_labels(labels)
        return _analyzer


def reset_analyzer() -> None:
    global _analyzer
    with _lock:
        _analyzer = None


def lexicon_changed() -> None:
    """The taxonomy's labels changed: once the current transaction commits, every process
    builds its analyzer again (this one at once)."""
    transaction.on_commit(_next_generation, robust=True)


def _next_generation() -> None:
    reset_analyzer()
    generation = str(time.time_ns())
    with contextlib.suppress(*CACHE_ERRORS):
        cache.set(GENERATION_KEY, generation, timeout=None)
    path = generation_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        written = path.with_name(f"{path.name}.{os.getpid()}")
        written.write_text(generation, encoding="ascii")
        written.replace(path)  # whole, never half-written, for a process reading it
    except OSError as error:
        logger.warning("search: the lexicon's generation was not written to %s: %s", path, error)


def generation_file() -> Path:
    return Path(settings.SEARCH_LEXICON_GENERATION_FILE)


def _generation() -> object:
    """The generation in the shared cache and in the machine's file, as a pair; a cache
    that is down, or a file that cannot be read, keeps its part of the last one seen."""
    before = _built_for if isinstance(_built_for, tuple) else (None, None)
    try:
        shared = cache.get(GENERATION_KEY)
    except CACHE_ERRORS:
        shared = before[0]
    try:
        on_disk = generation_file().read_text(encoding="ascii")
    except FileNotFoundError:
        on_disk = None
    except OSError:
        on_disk = before[1]
    return (shared, on_disk)
