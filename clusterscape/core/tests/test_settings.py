import pytest
from django.core.exceptions import ImproperlyConfigured

from clusterscape.settings import envbool, envint, envlist

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("value", "expected"), [("1", True), ("yes", True), ("0", False), ("off", False), ("", True)]
)
def test_envbool_reads_common_spellings(monkeypatch, value, expected):
    monkeypatch.setenv("CS_FLAG", value)
    assert envbool("CS_FLAG", True) is expected


def test_envbool_rejects_unknown_value(monkeypatch):
    monkeypatch.setenv("CS_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="CS_FLAG must be a boolean"):
        envbool("CS_FLAG", False)


def test_envlist_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("CS_HOSTS", " a.example , ,b.example")
    assert envlist("CS_HOSTS", []) == ["a.example", "b.example"]


def test_envint_rejects_text(monkeypatch):
    monkeypatch.setenv("CS_LIMIT", "ten")
    with pytest.raises(ImproperlyConfigured, match="CS_LIMIT must be a whole number"):
        envint("CS_LIMIT", 1)
