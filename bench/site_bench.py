"""Load test of the production server: gunicorn on loopback, driven by `hey`, over a bench
database of 20,000 synthetic organisations (plus the shipped real ones).

    .venv/bin/python bench/site_bench.py [--backend postgresql|sqlite] [--size 20000]
                                         [--content 1000000] [--duration 15]
                                         [--concurrency 8] [--reuse]

1. A database of its own, never the portal's: PostgreSQL from BENCH_PG_URL (default
   postgres://postgres@127.0.0.1:5432/clusterscape_bench, dropped and created) or a SQLite
   file under var/bench/; migrated, the shipped data loaded, then the synthetic
   organisations of bench/organisations.py and, with `--content`, the synthetic news,
   events, calls and projects of bench/content.py, in the search index too (with `--reuse`
   an existing database is kept).
2. `collectstatic` (hashed, compressed files), then gunicorn with gunicorn.conf.py as in
   production (DEBUG off, JSON logs, Redis from BENCH_REDIS_URL — default
   redis://127.0.0.1:6379/15, emptied first — when it answers, else local memory).
3. For each endpoint — home, directory, a profile, the home map's markers, the search API —
   `hey` runs for `--duration` seconds with `--concurrency` connections, twice: with the
   page cache (anonymous visitors as they are served) and without it (every request
   rendered). Requests per second, p50/p95/p99, errors and the peak memory of all gunicorn
   processes go to bench/results/site-<backend>-<size>.json.
4. The server time of issue 3: without the page cache, home, the directory (20 filter,
   search, sort and page states) and 150 different profiles per round, in both languages,
   are requested one at a time (`server_time` in the JSON): what one visitor waits for,
   without the queueing of step 3, whose load generator shares the server's two cores.

`hey` comes from Debian (`make bench` installs it with apt-get when missing). The load
generator runs on the same 2 cores as the server, so the numbers are a lower bound.
"""

import argparse
import datetime
import json
import os
import platform
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench_support import cpu_model, production_environment

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SQLITE_DIR = ROOT / "var" / "bench"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/clusterscape_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
PORT = 8799
SEED = 20261206
PROFILE = "synthetic-000042"
ENDPOINTS = {
    "home": "/en/",
    "directory": "/en/clusters/",
    "profile": f"/en/clusters/{PROFILE}/",
    "search API": "/api/v1/search?q=wasserstoff&country=DE",
    # last: its first answer is built from every organisation (slow at 20,000, see README)
    "map markers": "/en/clusters/map.json",
}
TARGETS = {  # issue 10 (cached pages, search API) and issue 3 (server time, uncached)
    "cached": {"home": (500, 50), "directory": (500, 50), "profile": (500, 50)},
    "search API": (150, 100),
    "uncached p95_ms": 100,
    "server time p95_ms": 100,
}
# Issue 3's server time: pages of each type requested one after another (one visitor, no
# page cache), over many different pages of the type: a visitor's wait for the server,
# without the queueing of a load test whose client shares the server's two cores.
DIRECTORY_QUERIES = [
    "", "state=DE-BY", "state=DE-NW&kind=network", "country=FR", "kind=cluster&page=3",
    "sort=name&page=20", "q=wasserstoff", "q=photonik&state=DE-TH", "q=mobility",
    "size=50-249", "programme=go-cluster", "field=photonics", "field=materials&state=DE-BW",
    "q=leichtbau&sort=name", "country=DE&kind=innovation-region", "q=batterie&page=2",
    "field=sensors&field=nanotechnology", "programme=spitzencluster&sort=name", "q=medizin",
    "state=DE-SN&field=production",
]  # fmt: skip
SERVER_TIME_PROFILES = 150
SLOWEST_SHOWN = 8  # the slowest requests of each type are named in the results
SERVER_TIME_ROUNDS = 3


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument(
        "--content",
        type=int,
        default=0,
        help="synthetic content items too (bench/content.py; 1000000 at design scale)",
    )
    parser.add_argument("--duration", type=int, default=15, help="seconds per endpoint")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--reuse", action="store_true", help="keep an existing bench database")
    parser.add_argument(
        "--phases",
        nargs="+",
        choices=["load", "server-time"],
        default=["load", "server-time"],
        help="the load test with hey, the server time one request at a time, or both",
    )
    return parser.parse_args()


def run(command: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, env=env, check=True, **kwargs)  # noqa: S603


def django_env(database_url: str) -> dict[str, str]:
    """The environment of the bench's commands (migrate, the generators, collectstatic) and
    the server's base: DEBUG off as the portal runs (with it on, Django keeps every
    statement and, on SQLite, quotes each one's parameters: a fifth of the search index's
    writing time), no statement timeout (the bulk load and the index rebuild take long;
    the server sets its own), and the static files as the settings choose them
    (collectstatic below asks for the manifest)."""
    env = production_environment(dict(os.environ))
    env.pop("STATIC_MANIFEST")
    env.update(DATABASE_URL=database_url, LOG_LEVEL="WARNING")
    env.pop("DATABASE_REPLICA_URLS", None)
    return env


def prepare_database(backend: str, size: int, reuse: bool, content: int = 0) -> str:
    if backend == "sqlite":
        SQLITE_DIR.mkdir(parents=True, exist_ok=True)
        path = SQLITE_DIR / f"site-{size}{f'-{content}' if content else ''}.sqlite3"
        url = f"sqlite:///{path}"
        exists = path.exists()
        if exists and not reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        url = os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL)
        import psycopg

        server, _slash, name = url.rpartition("/")
        if "bench" not in name:
            raise SystemExit(f"BENCH_PG_URL must name a bench database, not {name!r}")
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            exists = bool(
                connection.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", [name]
                ).fetchone()
            )
            if exists and not reuse:
                connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            if not (exists and reuse):
                connection.execute(f'CREATE DATABASE "{name}"')
    env = django_env(url)
    if reuse and exists:
        print(f"reusing {url}", flush=True)  # noqa: T201
        return url
    python = sys.executable
    started = time.perf_counter()
    run([python, "manage.py", "migrate", "--no-input", "-v", "0"], env)
    run([python, "manage.py", "load_shipped_data"], env, stdout=subprocess.DEVNULL)
    run([python, "bench/organisations.py", str(size)], env)
    if content:
        run([python, "bench/content.py", str(content), "--index"], env)
    if backend == "postgresql":
        analyse = [python, "manage.py", "dbshell", "--", "-c", "VACUUM ANALYZE"]
        run(analyse, env, stdout=subprocess.DEVNULL)
    else:
        run([python, "-c", _SQLITE_ANALYSE, url.removeprefix("sqlite:///")], env)
    print(f"bench database ready in {time.perf_counter() - started:.0f} s", flush=True)  # noqa: T201
    return url


_SQLITE_ANALYSE = "import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute('ANALYZE')"


def redis_url() -> str:
    url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL)
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=1)
        client.flushdb()
    except Exception as error:
        print(f"no Redis at {url} ({error}); local memory cache", flush=True)  # noqa: T201
        return ""
    return url


class Server:
    """gunicorn as in production, on loopback, with its processes' peak memory sampled."""

    def __init__(self, database_url: str, cache_url: str, cached: bool) -> None:
        self.env = {
            **django_env(database_url),  # DEBUG off, a secret key of its own
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_COOKIES": "0",
            "GUNICORN_BIND": f"127.0.0.1:{PORT}",
            "PUBLIC_PAGE_CACHE_SECONDS": "600" if cached else "0",
            "API_RATE_LIMIT_PER_ADDRESS": "0",  # one client address makes all the load
            "API_RATE_LIMIT_PER_TOKEN": "0",
            "REQUEST_LOG_LEVEL": "WARNING",
            "DATABASE_STATEMENT_TIMEOUT_MS": "5000",
        }
        if cache_url:
            self.env["REDIS_URL"] = cache_url
        else:
            self.env.pop("REDIS_URL", None)
        self.peak_rss = 0
        self._sampling = False

    def __enter__(self) -> "Server":
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        self.process = subprocess.Popen(  # noqa: S603
            [gunicorn, "-c", "gunicorn.conf.py", "clusterscape.wsgi"], cwd=ROOT, env=self.env
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/readyz", timeout=2):
                    break
            except OSError:
                time.sleep(0.5)
        else:
            raise SystemExit("gunicorn did not become ready")
        self.workers = self.process_tree()
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)

    def process_tree(self) -> list[int]:
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                children.append(int(stat.parent.name))
        return [self.process.pid, *children]

    def rss_bytes(self) -> int:
        total = 0
        for pid in self.process_tree():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            match = re.search(r"VmRSS:\s+(\d+) kB", status)
            total += int(match.group(1)) * 1024 if match else 0
        return total

    def sample(self) -> None:
        while self._sampling:
            self.peak_rss = max(self.peak_rss, self.rss_bytes())
            time.sleep(0.25)

    def measure(self, path: str, duration: int, concurrency: int) -> dict:
        url = f"http://127.0.0.1:{PORT}{path}"
        hey = shutil.which("hey")
        started = time.perf_counter()
        try:  # one request alone first: what a visitor meets when nothing is cached
            with urllib.request.urlopen(url, timeout=120) as response:
                first_status = response.status
        except urllib.error.HTTPError as error:
            first_status = error.code
        except OSError:
            first_status = 0
        first = {"status": first_status, "ms": round((time.perf_counter() - started) * 1000)}
        subprocess.run([hey, "-z", "2s", "-c", "2", url], capture_output=True, check=True)  # noqa: S603
        self.peak_rss = self.rss_bytes()
        self._sampling = True
        sampler = threading.Thread(target=self.sample)
        sampler.start()
        try:
            output = subprocess.run(  # noqa: S603
                [hey, "-z", f"{duration}s", "-c", str(concurrency), url],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        finally:
            self._sampling = False
            sampler.join()
        return {
            **parse_hey(output),
            "peak_memory_mb": round(self.peak_rss / 2**20),
            "first_request": first,
        }

    def warm_up(self, paths: list[str]) -> None:
        """Every worker past its first requests (imports, templates, catalogues): each path
        for 2 s with more connections than workers, so all of them answer some."""
        hey = shutil.which("hey")
        for path in paths:
            url = f"http://127.0.0.1:{PORT}{path}"
            subprocess.run([hey, "-z", "2s", "-c", "8", url], capture_output=True, check=True)  # noqa: S603

    def server_time(self, paths: list[str]) -> dict:
        """Each path requested once, one request at a time: p50/p95/p99 and the slowest of
        the wall times, and errors."""
        timings, errors = [], 0
        for path in paths:
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=60) as reply:
                    reply.read()
                    ok = reply.status == 200
            except (OSError, urllib.error.HTTPError):
                ok = False
            timings.append((time.perf_counter() - started) * 1000)
            errors += not ok
        cuts = statistics.quantiles(timings, n=100, method="inclusive")
        slowest = sorted(zip(timings, paths, strict=True), reverse=True)[:SLOWEST_SHOWN]
        return {
            "requests": len(timings),
            "distinct_pages": len(set(paths)),
            "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(cuts[94], 1),
            "p99_ms": round(cuts[98], 1),
            "max_ms": round(max(timings), 1),
            "errors": errors,
            "slowest": [[path, round(ms, 1)] for ms, path in slowest],
        }


# Pages the workers are warmed up with before the server time is measured: none of them
# is measured (the home is one page per language; its figures are kept per change of data).
WARM_UP_PATHS = [
    "/en/", "/de/", "/en/clusters/?state=DE-HE", "/de/clusters/?q=energie",
    "/en/clusters/synthetic-000001/", "/de/clusters/synthetic-000002/",
]  # fmt: skip


def server_time_paths(size: int) -> dict[str, list[str]]:
    """The pages of each type the server-time phase asks for, in both languages: home,
    the directory under DIRECTORY_QUERIES, and profiles of synthetic organisations picked
    at random (each once, none of those the workers were warmed up with)."""
    rng = random.Random(SEED)  # noqa: S311 - picking pages, not secrets
    wanted = SERVER_TIME_PROFILES * SERVER_TIME_ROUNDS
    numbers = rng.sample(range(3, size + 1), min(size - 2, wanted))
    languages = ("en", "de")
    return {
        "home": [f"/{languages[n % 2]}/" for n in range(20 * SERVER_TIME_ROUNDS)],
        "directory": [
            f"/{language}/clusters/{'?' + query if query else ''}"
            for _round in range(SERVER_TIME_ROUNDS)
            for language in languages
            for query in DIRECTORY_QUERIES
        ],
        "profile": [
            f"/{languages[index % 2]}/clusters/synthetic-{number:06d}/"
            for index, number in enumerate(numbers)
        ],
    }


def keep_earlier_phases(report: dict, path: Path, phases: list[str]) -> None:
    """A run of one phase keeps the other phase's numbers of the earlier run (with the
    date they were measured on)."""
    if not path.exists():
        return
    earlier = json.loads(path.read_text(encoding="utf-8"))
    for phase, key in (("load", "results"), ("server-time", "server_time")):
        if phase not in phases and key in earlier:
            report[key] = earlier[key]
            report[f"{key}_date"] = earlier.get(f"{key}_date", earlier.get("date"))


def parse_hey(output: str) -> dict:
    def number(pattern: str) -> float:
        match = re.search(pattern, output)
        return float(match.group(1)) if match else 0.0

    statuses = {
        int(code): int(count) for code, count in re.findall(r"\[(\d+)\]\s+(\d+) responses", output)
    }
    error_section = (
        output.split("Error distribution:", 1)[1] if "Error distribution:" in output else ""
    )
    connection_errors = sum(int(n) for n in re.findall(r"\[(\d+)\]", error_section))
    return {
        "requests_per_second": round(number(r"Requests/sec:\s+([\d.]+)")),
        "p50_ms": round(number(r"50%+ in ([\d.]+) secs") * 1000, 1),
        "p95_ms": round(number(r"95%+ in ([\d.]+) secs") * 1000, 1),
        "p99_ms": round(number(r"99%+ in ([\d.]+) secs") * 1000, 1),
        "requests": sum(statuses.values()) + connection_errors,
        "errors": sum(n for code, n in statuses.items() if code != 200) + connection_errors,
        "status_codes": statuses,
    }


def machine() -> dict:
    memory = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu_model(),
        "memory_gb": round(int(memory.group(1)) / 2**20) if memory else None,
        "python": platform.python_version(),
        "load_average_1min": os.getloadavg()[0],
    }


def main() -> None:
    args = parse_args()
    if shutil.which("hey") is None:
        raise SystemExit("hey is missing: apt-get install hey (make bench does)")
    database_url = prepare_database(args.backend, args.size, args.reuse, args.content)
    collect = {**django_env(database_url), "STATIC_MANIFEST": "1"}
    run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"], collect)
    cache_url = redis_url()
    report = {
        "backend": args.backend,
        "organisations_synthetic": args.size,
        "content_items_synthetic": args.content,
        "date": datetime.date.today().isoformat(),
        "machine": machine(),
        "server": "gunicorn (gunicorn.conf.py defaults: cores + 1 sync workers)",
        "cache": "redis" if cache_url else "local memory",
        "duration_seconds": args.duration,
        "concurrency": args.concurrency,
        "targets": TARGETS,
        "results": {},
    }
    for mode in ("cached", "uncached") if "load" in args.phases else ():
        with Server(database_url, cache_url, cached=mode == "cached") as server:
            for name, path in ENDPOINTS.items():
                numbers = server.measure(path, args.duration, args.concurrency)
                report["results"].setdefault(mode, {})[name] = {"path": path, **numbers}
                print(  # noqa: T201
                    f"{mode:9} {name:12} {numbers['requests_per_second']:6} req/s  "
                    f"p50 {numbers['p50_ms']:7.1f}  p95 {numbers['p95_ms']:7.1f}  "
                    f"p99 {numbers['p99_ms']:7.1f} ms  errors {numbers['errors']}  "
                    f"memory {numbers['peak_memory_mb']} MB",
                    flush=True,
                )
    # The server time of issue 3: one visitor, no page cache, many different pages.
    with Server(database_url, cache_url, cached=False) as server:
        phases = server_time_paths(args.size) if "server-time" in args.phases else {}
        if phases:
            server.warm_up(WARM_UP_PATHS)
        for name, paths in phases.items():
            numbers = server.server_time(paths)
            report.setdefault("server_time", {})[name] = numbers
            print(  # noqa: T201
                f"one at a time {name:10} {numbers['requests']:4} requests  "
                f"p50 {numbers['p50_ms']:7.1f}  p95 {numbers['p95_ms']:7.1f}  "
                f"p99 {numbers['p99_ms']:7.1f}  max {numbers['max_ms']:7.1f} ms  "
                f"errors {numbers['errors']}",
                flush=True,
            )
    report["machine"]["load_average_1min_after"] = os.getloadavg()[0]
    RESULTS.mkdir(parents=True, exist_ok=True)
    suffix = f"-content-{args.content}" if args.content else ""
    path = RESULTS / f"site-{args.backend}-{args.size}{suffix}.json"
    keep_earlier_phases(report, path, args.phases)
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"→ {path.relative_to(ROOT)}")  # noqa: T201


if __name__ == "__main__":
    main()
