import pytest
from django.utils import translation

# The browser fixtures of the site's journeys (clusterscape/core/tests/e2e/conftest.py).
from clusterscape.core.tests.e2e.conftest import (  # noqa: F401
    browser,
    landscape,
    page,
    page_without_js,
)


@pytest.fixture(autouse=True)
def english():
    """Every test starts in English, so messages compare as written in the code."""
    translation.activate("en")
    yield
    translation.deactivate()
