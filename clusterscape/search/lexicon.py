"""The analyzer with the taxonomy's words as its compound lexicon, built once per process
and built again when the taxonomy's labels change anywhere (`lexicon_changed`)."""

import contextlib
import threading
import time

from django.core.cache import cache
from django.db import transaction

from clusterscape.core.cache import CACHE_ERRORS
from clusterscape.registry.models import Field

from . import analysis

# The generation of the taxonomy's labels, in the cache every process shares (Redis); a
# process compares it with the one its analyzer was built for at most every CHECK_SECONDS.
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
    with contextlib.suppress(*CACHE_ERRORS):
        cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


def _generation() -> object:
    try:
        return cache.get(GENERATION_KEY)
    except CACHE_ERRORS:
        return _built_for  # a cache that is down changes nothing
