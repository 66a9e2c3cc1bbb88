"""A server process loads its code and the search's analyzer before its first request
(clusterscape.core.warmup): no visitor waits for them."""

import logging
import os
import runpy
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.db import OperationalError

from clusterscape.core import warmup
from clusterscape.search import analysis, lexicon
from clusterscape.search.queries import SearchParams, search

GUNICORN_CONF = Path(settings.BASE_DIR) / "gunicorn.conf.py"

# Run in a process of its own: this one's URL tables were built by other tests long ago.
FIRST_REQUEST = textwrap.dedent(
    """
    import sys
    from unittest import mock

    import clusterscape.wsgi  # what gunicorn's master imports before it forks

    from django.urls import resolve, reverse
    from django.urls.resolvers import URLResolver
    from django.utils import translation

    imported = set(sys.modules)
    with mock.patch.object(URLResolver, "_populate", side_effect=AssertionError("built")):
        for language in ("en", "de"):
            with translation.override(language):
                resolve(reverse("search:results"))
                resolve("/api/v1/search")
    print(sorted(name for name in set(sys.modules) - imported if name.startswith("clusterscape")))
    """
)


@pytest.mark.integration
def test_importing_the_app_loads_every_view_and_the_url_tables_of_both_languages():
    done = subprocess.run(  # noqa: S603 - our own interpreter and the fixed script above
        [sys.executable, "-c", FIRST_REQUEST],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "clusterscape.settings"},
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"  # nothing of the app left to import


@pytest.fixture
def fresh_analyzer():
    """No analyzer before the test, and none of its (empty) taxonomy after it."""
    lexicon.reset_analyzer()
    yield
    lexicon.reset_analyzer()


@pytest.mark.integration
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_each_worker_builds_the_search_analyzer_before_its_first_search(
    monkeypatch, fresh_analyzer
):
    post_fork = runpy.run_path(str(GUNICORN_CONF))["post_fork"]

    post_fork(None, None)

    def built_again(labels):
        raise AssertionError("the first search built the analyzer")

    monkeypatch.setattr(analysis.Analyzer, "from_labels", built_again)
    search(SearchParams(q="Photonik"))


@pytest.mark.unit
def test_a_worker_starts_while_the_database_is_down(monkeypatch, caplog):
    def unreachable():
        raise OperationalError("connection refused")

    monkeypatch.setattr(lexicon, "current_analyzer", unreachable)

    with caplog.at_level(logging.WARNING, logger="clusterscape.core.warmup"):
        warmup.load_search_analyzer()

    assert "search analyzer not loaded before the first request" in caplog.text
    assert "connection refused" in caplog.text
