"""The browser fixtures of clusterscape/core/tests/e2e/conftest.py, for the account journeys."""

from clusterscape.core.tests.e2e.conftest import browser, landscape, page, page_without_js

__all__ = ["browser", "landscape", "page", "page_without_js"]
