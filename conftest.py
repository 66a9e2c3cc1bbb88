"""Shared pytest set-up: every test starts from a known language (pretix conftest.py)."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def reset_locale():
    translation.activate("en")
    yield
    translation.deactivate()
