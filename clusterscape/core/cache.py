"""The cache of public pages and its invalidation.

Every service that changes what anonymous visitors see calls `public_pages_changed()` inside
its transaction; the new generation takes effect when the transaction commits, so a page
cached from the old state is never served again and a rolled-back write invalidates nothing.
"""

from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "public-pages:generation"


def public_pages_generation() -> int:
    """The current generation of public pages (part of every page cache key)."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        generation = cache.get(GENERATION_KEY, 1)
    return generation


def public_pages_changed() -> None:
    """Mark every cached public page as stale once the current transaction commits."""
    transaction.on_commit(_next_generation)


def _next_generation() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)
