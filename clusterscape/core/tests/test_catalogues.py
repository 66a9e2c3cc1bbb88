"""Every German catalogue the project ships is complete: a German reader never meets an
untranslated or half-translated ("fuzzy") message."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[3]
GERMAN_CATALOGUES = sorted(
    path
    for path in ROOT.glob("**/locale/de/LC_MESSAGES/django.po")
    if ".venv" not in path.parts and "node_modules" not in path.parts
)


def test_every_app_with_strings_has_a_german_catalogue():
    places = {str(path.parent.parent.parent.parent.relative_to(ROOT)) for path in GERMAN_CATALOGUES}
    apps = {
        f"clusterscape/{app}"
        for app in ("accounts", "alerts", "api", "content", "funding", "matchmaking", "search")
    }
    assert apps | {"."} <= places


@pytest.mark.parametrize("path", GERMAN_CATALOGUES, ids=lambda path: str(path.relative_to(ROOT)))
def test_german_catalogue_is_complete(path):
    catalogue = _read(path)
    untranslated = [
        message.id
        for message in catalogue
        if message.id
        and (not message.string or (isinstance(message.string, tuple) and not all(message.string)))
    ]
    fuzzy = [message.id for message in catalogue if message.id and message.fuzzy]
    assert (untranslated, fuzzy) == ([], [])


def test_every_translatable_string_is_in_a_german_catalogue(tmp_path):
    """makemessages over a copy of the code finds no message the shipped catalogues lack."""
    copy = tmp_path / "tree"
    ignore = shutil.ignore_patterns(".git", ".venv", "node_modules", "var", "*.mo", "__pycache__")
    shutil.copytree(ROOT, copy, ignore=ignore)
    command = [sys.executable, "manage.py", "makemessages", "--locale", "de", "--no-location"]
    subprocess.run(  # noqa: S603 - our own manage.py, arguments fixed above
        [*command, "--ignore", "bench/*", "--ignore", "examples/*"],
        cwd=copy,
        env={**os.environ, "DEBUG": "1"},
        check=True,
        capture_output=True,
    )

    missing = {}
    for path in GERMAN_CATALOGUES:
        shipped = {message.id for message in _read(path) if message.id}
        extracted = {message.id for message in _read(copy / path.relative_to(ROOT)) if message.id}
        if extracted - shipped:
            missing[str(path.relative_to(ROOT))] = sorted(map(str, extracted - shipped))
    assert missing == {}


def _read(path):
    with path.open("rb") as po_file:
        return read_po(po_file)
