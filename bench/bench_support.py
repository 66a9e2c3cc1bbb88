"""What every benchmark in bench/ shares: a database of its own for a run, and a description
of the machine the numbers were measured on. Imported by the bench scripts, which run as
`python bench/<name>.py` (so this folder is on the path)."""

import os
import platform
import secrets
import time
from pathlib import Path


def production_environment(environment: dict[str, str]) -> dict[str, str]:
    """The environment of a bench process that times the portal's code: DEBUG off, as the
    portal runs. With DEBUG on, Django keeps a log of every statement and, on SQLite, quotes
    each statement's parameters with a query of its own for it: a fifth of the time SQLite
    took to index documents in the search benchmark (measured on 2026-12-06, 100,000
    documents: 36.7 s with DEBUG on, 29.7 s off). The rest of what DEBUG off asks of a
    server (a secret key, HTTPS, collected static files, a statement timeout for requests)
    is set as the test suite sets it."""
    return {
        **environment,
        "DJANGO_SETTINGS_MODULE": "clusterscape.settings",
        "DEBUG": "0",
        "SECRET_KEY": f"bench-only-{secrets.token_urlsafe(32)}",
        "ALLOWED_HOSTS": "localhost,testserver,127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_MANIFEST": "0",
        "DATABASE_STATEMENT_TIMEOUT_MS": "0",
    }


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


def cpu_model() -> str:
    """The processor's model name (/proc/cpuinfo): the machines this runs on differ, and
    so do their numbers."""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return ""
    for line in lines:
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return ""


def speed_check_ms() -> float:
    """Milliseconds of a fixed piece of work (best of five): making, sorting and counting
    200,000 short strings in Python. The same machine took 130 to 249 ms for it from one
    minute to the next (2026-12-07, docs/performance.md), and its benchmarks' numbers swing
    with it; a run records this before and after, so that runs of different phases can be
    told apart."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        words = [f"{(n * 2_654_435_761) % 1_000_003:x}" for n in range(200_000)]
        words.sort()
        counts: dict[str, int] = {}
        for word in words:
            counts[word[:3]] = counts.get(word[:3], 0) + 1
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


def machine(connection) -> dict:
    """Cores, processor, Python, database version, system, and the load when the numbers
    were taken (other work on the machine skews latencies)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            version = f"SQLite {cursor.fetchone()[0]}"
        else:
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
            # The server's page cache: at 1,000,000 documents (5 GB) it changes the slowest
            # searches, as docs/deploy.md says.
            cursor.execute("SHOW shared_buffers")
            version += f", shared_buffers {cursor.fetchone()[0]}"
    return {
        "cores": os.cpu_count(),
        "cpu": cpu_model(),
        "python": platform.python_version(),
        "database": version,
        "system": platform.platform(terse=True),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
