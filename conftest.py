"""Shared pytest set-up: every test starts from a known language (pretix conftest.py)."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def reset_locale():
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with an empty cache (pages and map markers are cached by the
    public-page generation, which starts again at 1 in every test's database)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
