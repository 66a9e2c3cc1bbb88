import sqlite3

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection

from clusterscape.search.checks import sqlite_errors

SQLITE = "django.db.backends.sqlite3"
POSTGRES = "django.db.backends.postgresql"


def test_an_sqlite_too_old_for_the_index_is_a_clear_error_before_the_server_starts():
    (error,) = sqlite_errors([SQLITE], (3, 31, 1))

    assert error.id == "search.E001"
    assert "SQLite 3.31.1 is too old" in error.msg
    assert "3.35.0 or later" in error.msg
    assert "PostgreSQL" in error.hint


def test_a_new_enough_sqlite_or_postgresql_passes():
    assert sqlite_errors([SQLITE], (3, 35, 0)) == []
    assert sqlite_errors([SQLITE], (3, 40, 1)) == []
    # the library's version does not matter where no database runs on it
    assert sqlite_errors([POSTGRES], (3, 31, 1)) == []


def test_this_machine_passes_the_checks():
    call_command("check", fail_level="ERROR")


def test_manage_py_check_fails_on_an_old_sqlite_only(monkeypatch):
    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 31, 1))

    if connection.vendor == "sqlite":
        with pytest.raises(SystemCheckError, match=r"search\.E001"):
            call_command("check", fail_level="ERROR")
    else:
        call_command("check", fail_level="ERROR")
