"""Shared pytest set-up: every test starts from a known language (pretix conftest.py)."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def reset_locale():
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True, scope="session")
def machine_files(tmp_path_factory):
    """The files the processes of a machine share (var/) are this test process's own: a
    test run by another worker of pytest-xdist does not reach into this one's."""
    from django.conf import settings

    folder = tmp_path_factory.mktemp("var")
    settings.SEARCH_LEXICON_GENERATION_FILE = folder / "search-lexicon-generation"


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts with an empty cache (pages and map markers are cached by the
    public-page generation, which starts again at 1 in every test's database)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
