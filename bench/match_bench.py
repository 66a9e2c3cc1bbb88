"""Matchmaking benchmark: top-20 recommendations and a full match-index rebuild at scale.

    .venv/bin/python bench/match_bench.py [--backend sqlite|postgresql|both]
                                          [--size 20000] [--queries 200]

Each backend runs in a fresh process against a database of its own — never the portal's: a
SQLite file under var/bench/ (deleted afterwards) or the PostgreSQL database `h_match_bench`
(created and dropped; server and name from MATCH_BENCH_PG_URL, default
postgres://postgres@127.0.0.1:5432/h_match_bench). Organisations are synthetic, made from
the taxonomy (fields, value-chain capabilities, countries) with German and English text
from the fields' labels and synonyms; they exist only in that database.

Measured: the full rebuild of the match index (`rebuild_match_index`), and for random
organisations the top 20 (`queries.recommend`, candidates from the index and each scored
in full) alone and with what a page adds (`presentation.present`: the organisations, known
partners and reasons in words). Results go to bench/results/matchmaking-<backend>-<n>.json.
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

from bench_support import drop_database, fresh_database, machine, production_environment

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SQLITE_DIR = ROOT / "var" / "bench"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/h_match_bench"
SEED = 20261125
COUNTRIES = ["DE"] * 6 + ["FR", "AT", "NL", "PL", "US", "JP", "CA", "ES", "IT", "KR", "FI"]
KINDS = ["cluster", "network", "innovation-region", "international-partner"]
DE_TEXT = "Das Netzwerk bündelt Unternehmen und Forschung zu {a} und {b}; Schwerpunkt {c}."
EN_TEXT = "The cluster brings together companies and research in {a} and {b}, focusing on {c}."


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--one", metavar="BACKEND", help=argparse.SUPPRESS)
    return parser.parse_args()


def run_all(args: argparse.Namespace) -> None:
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    for backend in backends:
        command = [sys.executable, __file__, "--one", backend, "--size", str(args.size)]
        command += ["--queries", str(args.queries)]
        print(f"== matchmaking, {backend}, {args.size:,} organisations", flush=True)  # noqa: T201
        subprocess.run(command, check=True, env=bench_environment(backend, args.size))  # noqa: S603


def bench_environment(backend: str, size: int) -> dict[str, str]:
    env = production_environment(dict(os.environ))
    if backend == "sqlite":
        SQLITE_DIR.mkdir(parents=True, exist_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{SQLITE_DIR / f'match-{size}.sqlite3'}"
    else:
        env["DATABASE_URL"] = os.environ.get("MATCH_BENCH_PG_URL", DEFAULT_PG_URL)
    return env


def generate(size: int, rng: random.Random) -> None:
    """`size` published synthetic organisations with fields, competences, countries, member
    mix and text, written with bulk inserts (the registry's services are not what is timed)."""
    from clusterscape.registry.models import Capability, Competence, Field, Organisation

    fields = list(Field.objects.filter(parent__isnull=False))
    capabilities = list(Capability.objects.all())
    labels = {
        f.pk: [f.name_de, f.name_en, *[s.strip() for s in f.synonyms.split(";") if s.strip()]]
        for f in fields
    }
    organisations = []
    for number in range(size):
        own = rng.sample(fields, rng.randint(1, 3))
        words = [rng.choice(labels[f.pk]) for f in own for _ in range(2)]
        a, b, c = (words * 3)[:3]
        organisations.append(
            Organisation(
                slug=f"bench-{number}",
                name=f"Synthetic {rng.choice(labels[own[0].pk])} {number}",
                kind=rng.choice(KINDS),
                status=Organisation.Status.PUBLISHED,
                country_id=rng.choice(COUNTRIES),
                keywords=";".join(words),
                description_de=DE_TEXT.format(a=a, b=b, c=c) if rng.random() < 0.5 else "",
                description_en=EN_TEXT.format(a=a, b=b, c=c),
                management_organisation="Clustermanagement GmbH" if rng.random() < 0.5 else "",
                management_staff_fte=rng.choice([None, 1, 2, 5]),
                members_sme=rng.randint(5, 200),
                members_research=rng.randint(0, 40),
            )
        )
        organisations[-1].bench_fields = own
    Organisation.objects.bulk_create(organisations, batch_size=2000)
    through_fields = Organisation.fields.through
    through_targets = Organisation.target_countries.through
    field_rows, target_rows, competences = [], [], []
    for organisation in organisations:
        field_rows.extend(
            through_fields(organisation_id=organisation.pk, field_id=field.pk)
            for field in organisation.bench_fields
        )
        target_rows.extend(
            through_targets(organisation_id=organisation.pk, country_id=code)
            for code in sorted(set(rng.sample(COUNTRIES, rng.randint(0, 3))))
        )
        pairs = set()
        for direction in ("offers", "seeks"):
            for _ in range(rng.randint(1, 3)):
                field = rng.choice([*organisation.bench_fields, rng.choice(fields)])
                pair = (direction, field.pk, rng.choice(capabilities).pk)
                if pair not in pairs:
                    pairs.add(pair)
                    competences.append(
                        Competence(
                            organisation_id=organisation.pk,
                            direction=pair[0],
                            field_id=pair[1],
                            capability_id=pair[2],
                        )
                    )
    through_fields.objects.bulk_create(field_rows, batch_size=5000)
    through_targets.objects.bulk_create(target_rows, batch_size=5000)
    Competence.objects.bulk_create(competences, batch_size=5000)


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    cut = statistics.quantiles(ordered, n=100, method="inclusive")
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(cut[94] * 1000, 2),
        "p99_ms": round(cut[98] * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


def run_one(backend: str, size: int, queries: int) -> None:
    fresh_database(backend)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import translation

    from clusterscape.matchmaking.index import rebuild_match_index
    from clusterscape.matchmaking.presentation import present
    from clusterscape.matchmaking.queries import profile_of, recommend
    from clusterscape.registry.models import Organisation

    translation.activate("en")
    call_command("migrate", verbosity=0)
    try:
        rng = random.Random(SEED)  # noqa: S311 — synthetic data, not secrets
        started = time.perf_counter()
        generate(size, rng)
        print(f"   generated {size:,} organisations in {time.perf_counter() - started:.1f} s")  # noqa: T201
        started = time.perf_counter()
        profiles = rebuild_match_index()
        rebuild = time.perf_counter() - started
        print(f"   rebuilt the match index ({profiles:,} profiles) in {rebuild:.1f} s", flush=True)  # noqa: T201
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        ids = list(Organisation.objects.values_list("pk", flat=True))
        picked = rng.sample(ids, queries)
        organisations = Organisation.objects.in_bulk(picked)
        for pk in picked[:5]:  # warm the analyzer and the connection
            recommend(profile_of(organisations[pk]), limit=20)
        alone, with_page, found = [], [], []
        for pk in picked:
            started = time.perf_counter()
            profile = profile_of(organisations[pk])
            matches = recommend(profile, limit=20)
            middle = time.perf_counter()
            present(profile, matches)
            ended = time.perf_counter()
            alone.append(middle - started)
            with_page.append(ended - started)
            found.append(len(matches))
        report = {
            "backend": connection.vendor,
            "organisations": size,
            "date": datetime.date.today().isoformat(),
            "machine": machine(connection),
            "rebuild_seconds": round(rebuild, 2),
            "queries": queries,
            "top20": percentiles(alone),
            "top20_with_reasons_and_organisations": percentiles(with_page),
            "mean_results": round(statistics.mean(found), 1),
        }
    finally:
        drop_database(backend)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"matchmaking-{backend}-{size}.json"
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    for name in ("top20", "top20_with_reasons_and_organisations"):
        numbers = report[name]
        print(  # noqa: T201
            f"   {name:38} p50 {numbers['p50_ms']:7.2f} ms  p95 {numbers['p95_ms']:7.2f} ms  "
            f"p99 {numbers['p99_ms']:7.2f} ms"
        )
    print(f"   → {path.relative_to(ROOT)}")  # noqa: T201


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    arguments = parse_args()
    if arguments.one:
        run_one(arguments.one, arguments.size, arguments.queries)
    else:
        run_all(arguments)
