import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """Every test starts in English, so messages compare as written in the code."""
    translation.activate("en")
    yield
    translation.deactivate()
