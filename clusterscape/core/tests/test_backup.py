"""deploy/backup.py: a backup taken while data exists brings that data back after it was
lost, on SQLite and on PostgreSQL."""

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

pytestmark = pytest.mark.integration

SCRIPT = Path(__file__).resolve().parents[3] / "deploy" / "backup.py"


def run(action: str, path: Path, database_url: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own script with the running interpreter
        [sys.executable, str(SCRIPT), action, str(path)],
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_sqlite_backup_restores_lost_rows(tmp_path):
    live, copy = tmp_path / "live.sqlite3", tmp_path / "backups" / "copy.sqlite3"
    with sqlite3.connect(live) as db:
        db.execute("CREATE TABLE organisation (slug TEXT PRIMARY KEY)")
        db.executemany("INSERT INTO organisation VALUES (?)", [("biorn",), ("its-owl",)])

    printed = run("backup", copy, f"sqlite:///{live}")
    with sqlite3.connect(live) as db:
        db.execute("DELETE FROM organisation")
        db.execute("INSERT INTO organisation VALUES ('written-after-backup')")
    run("restore", copy, f"sqlite:///{live}")

    assert printed == str(copy)
    with sqlite3.connect(live) as db:
        rows = db.execute("SELECT slug FROM organisation ORDER BY slug").fetchall()
    assert rows == [("biorn",), ("its-owl",)]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump needs PostgreSQL")
def test_postgres_backup_restores_lost_rows(tmp_path):
    settings = connection.settings_dict
    server = f"postgresql://{settings['USER']}@{settings['HOST']}:{settings['PORT'] or 5432}"
    name = f"backup_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        with psycopg.connect(f"{server}/{name}", autocommit=True) as db:
            db.execute("CREATE TABLE organisation (slug text PRIMARY KEY)")
            db.execute("INSERT INTO organisation VALUES ('biorn'), ('its-owl')")

        run("backup", tmp_path / "copy.dump", f"{server}/{name}")
        with psycopg.connect(f"{server}/{name}", autocommit=True) as db:
            db.execute("DROP TABLE organisation")
        run("restore", tmp_path / "copy.dump", f"{server}/{name}")

        with psycopg.connect(f"{server}/{name}") as db:
            rows = db.execute("SELECT slug FROM organisation ORDER BY slug").fetchall()
        assert rows == [("biorn",), ("its-owl",)]
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
