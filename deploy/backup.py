"""Back up and restore the database named by DATABASE_URL (default: the embedded SQLite file).

    python deploy/backup.py backup  [FILE]   # default var/backups/clusterscape-<UTC time>.<ext>
    python deploy/backup.py restore FILE

PostgreSQL: `pg_dump --format=custom` (consistent snapshot while the site runs) and
`pg_restore --clean --if-exists --single-transaction` (all or nothing). SQLite: the online
backup API, a consistent copy while the site runs, and the same API back for a restore.
Stop the app servers (or put them in maintenance) before a restore. `make backup` and
`make restore FILE=...` call this; see docs/deploy.md for schedules and off-site copies.
"""

import datetime
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import dj_database_url

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE = ROOT / "var" / "clusterscape.sqlite3"
BACKUP_DIR = ROOT / "var" / "backups"


def database() -> dict:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DEFAULT_SQLITE)}
    return dj_database_url.parse(url)


def postgres_args(config: dict) -> tuple[list[str], dict[str, str]]:
    args = ["--dbname", config["NAME"]]
    if config.get("HOST"):
        args += ["--host", config["HOST"]]
    if config.get("PORT"):
        args += ["--port", str(config["PORT"])]
    if config.get("USER"):
        args += ["--username", config["USER"]]
    env = {**os.environ}
    if config.get("PASSWORD"):
        env["PGPASSWORD"] = config["PASSWORD"]
    return args, env


def backup(target: Path | None = None) -> Path:
    config = database()
    postgres = config["ENGINE"] == "django.db.backends.postgresql"
    if target is None:
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
        target = BACKUP_DIR / f"clusterscape-{stamp}.{'dump' if postgres else 'sqlite3'}"
    target.parent.mkdir(parents=True, exist_ok=True)
    if postgres:
        args, env = postgres_args(config)
        command = ["pg_dump", "--format=custom", "--no-owner", "--file", str(target), *args]
        subprocess.run(command, env=env, check=True)  # noqa: S603 - fixed command
    else:
        with sqlite3.connect(config["NAME"]) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
    return target


def restore(source: Path) -> None:
    if not source.is_file():
        raise SystemExit(f"no backup at {source}")
    config = database()
    if config["ENGINE"] == "django.db.backends.postgresql":
        args, env = postgres_args(config)
        command = [
            "pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
            "--exit-on-error", *args, str(source),
        ]  # fmt: skip
        subprocess.run(command, env=env, check=True)  # noqa: S603 - fixed command
    else:
        with sqlite3.connect(source) as backup_file, sqlite3.connect(config["NAME"]) as live:
            backup_file.backup(live)


def main(argv: list[str]) -> None:
    valid = (argv[:1] == ["backup"] and len(argv) <= 2) or (
        argv[:1] == ["restore"] and len(argv) == 2
    )
    if not valid:
        raise SystemExit(__doc__)
    if argv[0] == "backup":
        print(backup(Path(argv[1]) if len(argv) > 1 else None))  # noqa: T201 - the CLI's output
    else:
        restore(Path(argv[1]))


if __name__ == "__main__":
    main(sys.argv[1:])
