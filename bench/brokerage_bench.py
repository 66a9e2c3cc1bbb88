"""Brokerage benchmark: an event with 1,000 participants and 5,000 meeting requests.

    .venv/bin/python bench/brokerage_bench.py [--backend sqlite|postgresql|both]
                                              [--participants 1000] [--requests 5000]

Each backend runs in a fresh process against a database of its own — never the portal's: a
SQLite file under var/bench/ (deleted afterwards) or the PostgreSQL database
`h_brokerage_bench` (created and dropped; server and name from BROKERAGE_BENCH_PG_URL).
Organisations are the synthetic ones of match_bench.py (in the match index); participants,
availability and requests are synthetic too and exist only in that database: two meeting
days of 14 slots (30 minutes, a lunch break) with 50 tables, 60 % of the requests in mutual
pairs, the rest one-sided.

Measured: the scheduler's preview (`plan_schedule`, reads only) and a full run
(`run_scheduler`, books under row locks in one transaction, with the notifications), and the
participant list with match scores and reasons: the event's brokerage page as 100 random
signed-in participants get it through Django's whole stack (middleware, the view, the
template): every participant scored and ordered by the match, the first page of 25 with its
reasons, the suggested meetings and the event's figures.
Targets (issue 11): scheduler ≤ 10 s, list with scores ≤ 200 ms p95. Results go to
bench/results/brokerage-<backend>-<participants>.json.
"""

import argparse
import datetime
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

from bench_support import drop_database, fresh_database, machine, production_environment
from match_bench import generate, percentiles

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SQLITE_DIR = ROOT / "var" / "bench"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/h_brokerage_bench"
SEED = 20261125
DAY = datetime.date(2030, 3, 12)
TABLES = 50
LIST_QUERIES = 100
PER_PAGE_NOTE = (
    "the event's brokerage page for a signed-in participant, rendered: every participant "
    "scored and ordered, the first page of 25 with reasons, the suggested meetings"
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--one", metavar="BACKEND", help=argparse.SUPPRESS)
    return parser.parse_args()


def bench_environment(backend: str, size: int) -> dict[str, str]:
    env = production_environment(
        {**os.environ, "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    )
    if backend == "sqlite":
        SQLITE_DIR.mkdir(parents=True, exist_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{SQLITE_DIR / f'brokerage-{size}.sqlite3'}"
    else:
        env["DATABASE_URL"] = os.environ.get("BROKERAGE_BENCH_PG_URL", DEFAULT_PG_URL)
    return env


def run_all(args: argparse.Namespace) -> None:
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    for backend in backends:
        command = [sys.executable, __file__, "--one", backend]
        command += ["--participants", str(args.participants), "--requests", str(args.requests)]
        print(f"== brokerage, {backend}, {args.participants:,} participants", flush=True)  # noqa: T201
        subprocess.run(  # noqa: S603
            command, check=True, env=bench_environment(backend, args.participants)
        )


def set_up(participants: int, requests: int, rng: random.Random):
    """The event, its days, participants (one user each) available all day, and requests."""
    from django.utils import timezone

    from clusterscape.accounts.models import User
    from clusterscape.content.models import Event
    from clusterscape.matchmaking.brokerage_models import (
        Availability,
        BrokerageEvent,
        MeetingDay,
        MeetingRequest,
        Participant,
    )
    from clusterscape.registry.models import Organisation

    organisations = list(Organisation.objects.order_by("pk")[:participants])
    zone = datetime.timezone(datetime.timedelta(hours=1))
    event = Event.objects.create(
        title="Synthetic brokerage event",
        slug="synthetic-brokerage-event",
        language="en",
        kind=Event.Kind.MATCHMAKING,
        summary="Synthetic, for the benchmark only.",
        starts_at=datetime.datetime.combine(DAY, datetime.time(8), tzinfo=zone),
        ends_at=datetime.datetime.combine(
            DAY + datetime.timedelta(days=1), datetime.time(18), tzinfo=zone
        ),
        status="published",
        publish_at=timezone.now(),
        organiser=organisations[0],
    )
    brokerage = BrokerageEvent.objects.create(
        event=event,
        organiser=organisations[0],
        registration_opens=timezone.now() - datetime.timedelta(days=1),
        registration_closes=timezone.now() + datetime.timedelta(days=30),
        time_zone="Europe/Berlin",
        languages="en,de",
    )
    days = [
        MeetingDay.objects.create(
            brokerage=brokerage,
            date=DAY + datetime.timedelta(days=number),
            starts=datetime.time(9),
            ends=datetime.time(17),
            slot_minutes=30,
            breaks=[["12:30", "13:30"]],
            tables=TABLES,
        )
        for number in range(2)
    ]
    users = User.objects.bulk_create(
        User(username=f"bench-participant-{number}") for number in range(participants)
    )
    users = list(User.objects.filter(username__startswith="bench-participant-").order_by("pk"))
    Participant.objects.bulk_create(
        Participant(brokerage=brokerage, organisation=organisation, user=user)
        for organisation, user in zip(organisations, users, strict=True)
    )
    registered = list(Participant.objects.filter(brokerage=brokerage).order_by("pk"))
    Availability.objects.bulk_create(
        (
            Availability(
                participant=p,
                day=day,
                starts=rng.choice([datetime.time(9), datetime.time(9), datetime.time(11)]),
                ends=rng.choice([datetime.time(17), datetime.time(17), datetime.time(15)]),
            )
            for p in registered
            for day in days
        ),
        batch_size=2000,
    )
    pairs: set[tuple[int, int]] = set()
    mutual = int(requests * 0.6) // 2
    while len(pairs) < mutual * 2:
        a, b = rng.sample(registered, 2)
        if (a.pk, b.pk) not in pairs and (b.pk, a.pk) not in pairs:
            pairs.update({(a.pk, b.pk), (b.pk, a.pk)})
    while len(pairs) < requests:
        a, b = rng.sample(registered, 2)
        if (a.pk, b.pk) not in pairs and (b.pk, a.pk) not in pairs:
            pairs.add((a.pk, b.pk))
    MeetingRequest.objects.bulk_create(
        (
            MeetingRequest(brokerage=brokerage, sender_id=a, recipient_id=b, message="")
            for a, b in sorted(pairs)
        ),
        batch_size=2000,
    )
    return brokerage, registered


def run_one(backend: str, participants: int, requests: int) -> None:
    fresh_database(backend)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    from clusterscape.accounts.models import User
    from clusterscape.matchmaking.brokerage_models import Meeting
    from clusterscape.matchmaking.brokerage_scheduler import plan_schedule, run_scheduler
    from clusterscape.matchmaking.index import rebuild_match_index

    translation.activate("en")
    call_command("migrate", verbosity=0)
    try:
        rng = random.Random(SEED)  # noqa: S311 — synthetic data, not secrets
        generate(participants, rng)
        rebuild_match_index()
        brokerage, registered = set_up(participants, requests, rng)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        organiser = User.objects.create(username="bench-organiser", is_superuser=True)
        started = time.perf_counter()
        plan = plan_schedule(brokerage)
        preview = time.perf_counter() - started
        print(f"   preview: {len(plan):,} meetings in {preview:.2f} s", flush=True)  # noqa: T201
        started = time.perf_counter()
        booked = run_scheduler(brokerage, by=organiser, dry_run=False)
        run = time.perf_counter() - started
        print(f"   run: {len(booked):,} meetings booked in {run:.2f} s", flush=True)  # noqa: T201
        assert Meeting.objects.filter(brokerage=brokerage).count() == len(booked)
        picked = rng.sample(registered, LIST_QUERIES)
        url = reverse("brokerage:detail", args=[brokerage.event.slug])
        samples = []
        for number, me in enumerate([*picked[:5], *picked]):  # five to warm up
            client = Client(SERVER_NAME="localhost")
            client.force_login(me.user)
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
            assert response.status_code == 200, response.status_code
            assert b'class="match-list"' in response.content
            if number >= 5:
                samples.append(elapsed)
        report = {
            "backend": connection.vendor,
            "participants": participants,
            "requests": requests,
            "tables": TABLES,
            "slots": 28,
            "date": datetime.date.today().isoformat(),
            "machine": machine(connection),
            "scheduler_preview_seconds": round(preview, 2),
            "scheduler_run_seconds": round(run, 2),
            "meetings_booked": len(booked),
            "participant_list_page": PER_PAGE_NOTE,
            "participant_list_with_scores": percentiles(samples),
            "targets": {"scheduler_seconds": 10, "participant_list_p95_ms": 200},
        }
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"brokerage-{connection.vendor}-{participants}.json"
        path.write_text(json.dumps(report, indent=2) + "\n")
        print(json.dumps(report, indent=2))  # noqa: T201
    finally:
        drop_database(backend)


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.one:
        run_one(arguments.one, arguments.participants, arguments.requests)
    else:
        run_all(arguments)
