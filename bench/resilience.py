"""Resilience under load: the database is restarted in the middle of a load test.

    .venv/bin/python bench/resilience.py [--duration 40] [--down 8]

Starts a PostgreSQL server of its own (initdb into var/bench/pg-resilience, port 5499, run as
the `postgres` system user; removed afterwards) so that no other database is disturbed,
migrates a bench database there with a few synthetic organisations, and runs gunicorn against
it (page cache off, so every request needs the database). Then, at the same time:

- `hey` requests a profile for `--duration` seconds;
- a writer submits correction suggestions through the profile's form (GET for the CSRF
  token, POST), counting the ones the site acknowledged (302);
- a probe GETs the profile every 0.2 s and records status and latency;
- after a third of the time the database is stopped for `--down` seconds and started again.

It reports the status codes (only 200 and 503 are expected, no 500, no connection errors),
the slowest 503, how long after the database came back the first 200 arrived (no restart of
the app), and whether every acknowledged write is in the database afterwards. Results:
bench/results/resilience-postgresql.json.
"""

import argparse
import datetime
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "var" / "bench" / "pg-resilience"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_PORT = 5499
APP_PORT = 8798
DATABASE_URL = f"postgres://postgres@127.0.0.1:{PG_PORT}/clusterscape_bench_resilience"
PROFILE = "/en/clusters/synthetic-000001/"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def as_postgres(*command: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - fixed commands
        ["/bin/su", "postgres", "-s", "/bin/sh", "-c", " ".join(command)],
        check=check,
        capture_output=True,
        text=True,
    )


def pg_ctl(action: str) -> None:
    options = (
        f"-c listen_addresses=127.0.0.1 -c port={PG_PORT} -c unix_socket_directories={DATA_DIR}"
    )
    as_postgres(
        str(PG_BIN / "pg_ctl"), action, "-D", str(DATA_DIR), "-m", "fast", "-w",
        "-l", str(DATA_DIR / "server.log"), "-o", f"'{options}'",
    )  # fmt: skip


def start_server() -> None:
    shutil.rmtree(DATA_DIR, ignore_errors=True)
    DATA_DIR.mkdir(parents=True)
    shutil.chown(DATA_DIR, "postgres", "postgres")
    as_postgres(str(PG_BIN / "initdb"), "-D", str(DATA_DIR), "-U", "postgres", "--auth=trust")
    pg_ctl("start")


def environment() -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "clusterscape.settings",
        "DATABASE_URL": DATABASE_URL,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "STATIC_MANIFEST": "0",
        "PUBLIC_PAGE_CACHE_SECONDS": "0",
        "API_RATE_LIMIT_PER_ADDRESS": "0",
        "REQUEST_LOG_LEVEL": "WARNING",
        "LOG_LEVEL": "ERROR",
        "GUNICORN_BIND": f"127.0.0.1:{APP_PORT}",
        "GUNICORN_WORKERS": "3",
    }
    for name in ("REDIS_URL", "DATABASE_REPLICA_URLS"):
        env.pop(name, None)
    return env


def prepare_database(env: dict[str, str]) -> None:
    import psycopg

    with psycopg.connect(
        f"postgresql://postgres@127.0.0.1:{PG_PORT}/postgres", autocommit=True
    ) as db:
        db.execute("CREATE DATABASE clusterscape_bench_resilience")
    setup = {**env, "DEBUG": "1", "DATABASE_STATEMENT_TIMEOUT_MS": "0"}
    for command in (
        ["manage.py", "migrate", "--no-input", "-v", "0"],
        ["bench/organisations.py", "50"],
    ):
        subprocess.run([sys.executable, *command], cwd=ROOT, env=setup, check=True)  # noqa: S603


def get(url: str, opener: urllib.request.OpenerDirector | None = None) -> tuple[int, str, float]:
    started = time.perf_counter()
    try:
        with (opener or urllib.request.build_opener()).open(url, timeout=10) as response:
            body = response.read().decode()
            status = response.status
    except urllib.error.HTTPError as error:
        body, status = error.read().decode(), error.code
    except OSError as error:
        body, status = str(error), 0
    return status, body, time.perf_counter() - started


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def writer(base: str, stop: threading.Event, acknowledged: list[int], failed: list[int]) -> None:
    """Correction suggestions through the form, as a visitor sends them."""
    number = 0
    while not stop.is_set():
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
        status, body, _seconds = get(base + PROFILE, opener)
        match = TOKEN.search(body) if status == 200 else None
        if match is None:
            time.sleep(0.2)
            continue
        number += 1
        data = urllib.parse.urlencode(
            {"message": f"resilience check {number}", "csrfmiddlewaretoken": match.group(1)}
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - loopback
            base + PROFILE + "correction/", data=data, headers={"Referer": base + PROFILE}
        )
        try:
            with opener.open(request, timeout=10) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError:
            status = 0
        (acknowledged if status == 302 else failed).append(number)
        time.sleep(0.1)


def probe(base: str, stop: threading.Event, samples: list[tuple[float, int, float]]) -> None:
    while not stop.is_set():
        status, _body, seconds = get(base + PROFILE)
        samples.append((time.monotonic(), status, seconds))
        time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=40)
    parser.add_argument("--down", type=int, default=8, help="seconds the database is down")
    args = parser.parse_args()
    if shutil.which("hey") is None:
        raise SystemExit("hey is missing: apt-get install hey (make bench does)")
    start_server()
    gunicorn = None
    try:
        env = environment()
        prepare_database(env)
        gunicorn = subprocess.Popen(  # noqa: S603
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "-c",
                "gunicorn.conf.py",
                "clusterscape.wsgi",
            ],
            cwd=ROOT,
            env=env,
        )
        base = f"http://127.0.0.1:{APP_PORT}"
        for _attempt in range(120):
            if get(base + "/readyz")[0] == 200:
                break
            time.sleep(0.5)
        stop = threading.Event()
        acknowledged: list[int] = []
        failed: list[int] = []
        samples: list[tuple[float, int, float]] = []
        threads = [
            threading.Thread(target=writer, args=(base, stop, acknowledged, failed)),
            threading.Thread(target=probe, args=(base, stop, samples)),
        ]
        hey = subprocess.Popen(  # noqa: S603
            [shutil.which("hey"), "-z", f"{args.duration}s", "-c", "4", base + PROFILE],
            stdout=subprocess.PIPE,
            text=True,
        )
        for thread in threads:
            thread.start()
        time.sleep(args.duration / 3)
        stopped_at = time.monotonic()
        pg_ctl("stop")
        time.sleep(args.down)
        pg_ctl("start")
        started_at = time.monotonic()
        output, _ = hey.communicate()
        stop.set()
        for thread in threads:
            thread.join()

        import psycopg

        with psycopg.connect(DATABASE_URL.replace("postgres://", "postgresql://")) as db:
            stored = {
                int(message.rsplit(" ", 1)[1])
                for (message,) in db.execute(
                    "SELECT message FROM registry_correctionsuggestion "
                    "WHERE message LIKE 'resilience check %%'"
                )
            }
        statuses = {int(c): int(n) for c, n in re.findall(r"\[(\d+)\]\s+(\d+) responses", output)}
        error_section = (
            output.split("Error distribution:", 1)[1] if "Error distribution:" in output else ""
        )
        down = [s for s in samples if stopped_at <= s[0] <= started_at]
        after = [s for s in samples if s[0] > started_at]
        first_ok = next((s[0] - started_at for s in after if s[1] == 200), None)
        report = {
            "date": datetime.date.today().isoformat(),
            "duration_seconds": args.duration,
            "database_down_seconds": round(started_at - stopped_at, 1),
            "load_status_codes": statuses,
            "load_connection_errors": sum(int(n) for n in re.findall(r"\[(\d+)\]", error_section)),
            "probe_while_down": {
                "requests": len(down),
                "status_codes": sorted({s[1] for s in down}),
                "slowest_ms": round(max((s[2] for s in down), default=0) * 1000, 1),
            },
            "first_200_after_database_start_seconds": round(first_ok, 2)
            if first_ok is not None
            else None,
            "writes_acknowledged": len(acknowledged),
            "writes_refused_while_down": len(failed),
            "acknowledged_writes_missing": sorted(set(acknowledged) - stored),
        }
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)
        as_postgres(str(PG_BIN / "pg_ctl"), "stop", "-D", str(DATA_DIR), "-m", "fast", check=False)
        shutil.rmtree(DATA_DIR, ignore_errors=True)
    path = ROOT / "bench" / "results" / "resilience-postgresql.json"
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))  # noqa: T201
    print(f"→ {path.relative_to(ROOT)}")  # noqa: T201


if __name__ == "__main__":
    main()
