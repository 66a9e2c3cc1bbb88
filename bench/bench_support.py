"""What every benchmark in bench/ shares: a database of its own for a run, and a description
of the machine the numbers were measured on. Imported by the bench scripts, which run as
`python bench/<name>.py` (so this folder is on the path)."""

import os
import platform
from pathlib import Path


def check_bench_database() -> None:
    """Refuse to write synthetic data anywhere but a bench database (its name, or a SQLite
    file's name or folder, contains "bench") or a test database of the test suite: never
    into the portal's."""
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    # a SQLite file counts by its name and its folder's (var/bench/...)
    parts = [Path(name).parent.name, Path(name).name] if connection.vendor == "sqlite" else [name]
    final = parts[-1]
    if not any("bench" in part for part in parts) and not (
        final.startswith("test") or "memorydb" in final
    ):
        raise SystemExit(f"refusing to write synthetic data into {final or 'the portal database'}")


def fresh_database(backend: str) -> None:
    """An empty database for this run (the SQLite file or the PostgreSQL database of
    DATABASE_URL; never the portal's: the bench scripts choose bench-only names)."""
    url = os.environ["DATABASE_URL"]
    if backend == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    server, _slash, name = url.rpartition("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(backend: str) -> None:
    """Remove the run's database when the run is over."""
    if backend == "sqlite":
        fresh_database(backend)
        return
    import psycopg
    from django.db import connections

    connections.close_all()
    server, _slash, name = os.environ["DATABASE_URL"].rpartition("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')


def machine(connection) -> dict:
    """Cores, Python, database version, system, and the load when the numbers were taken
    (other work on the machine skews latencies)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            version = f"SQLite {cursor.fetchone()[0]}"
        else:
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
    return {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "database": version,
        "system": platform.platform(terse=True),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
