"""Synthetic content for the benchmarks at design scale: news, events, funding calls and
projects, 1,000,000 items by default.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/clusterscape_bench \\
        .venv/bin/python bench/content.py 1000000 [--index]

Run it on a migrated bench database that holds the synthetic organisations of
bench/organisations.py (their managers are the items' authors; without them the items are
the platform's own). Items are published, in German or English, spread over the last five
years (events also a year ahead), each with one or two fields of the taxonomy; calls have
their deadlines, events a place. Every one is marked as synthetic: the slug starts with
`synthetic-`, the title ends in "(synthetic)", links are on the reserved `.invalid`
domain. The rows are written in bulk, not through the content services (which check and
write one item at a time): COPY on PostgreSQL, multi-row INSERTs on SQLite, with ids taken
in advance, in one transaction. `--index` then rebuilds the search index over everything
(long at full scale). The script refuses a database that is not a bench or test database.
"""

import datetime
import os
import random
import sys
import time
import uuid
from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import chain

SEED = 20261126
# Shares of the kinds (news are the most frequent, calls the rarest).
KINDS = {"news": 0.45, "event": 0.25, "call": 0.10, "project": 0.20}
KIND_WORDS_DE = {
    "news": "Meldung",
    "event": "Veranstaltung",
    "call": "Aufruf",
    "project": "Projekt",
}
CHUNK = 20_000
SQLITE_ROWS_PER_STATEMENT = 500
WORDS = (
    "Wasserstoff Batterie Sensorik Leichtbau Robotik Photonik Biotech Logistik Textil "
    "Halbleiter Medizintechnik Kreislaufwirtschaft Energie Mobilität Quanten Software"
).split()
WORDS_EN = (
    "hydrogen battery sensors lightweight robotics photonics biotech logistics textiles "
    "semiconductors medtech circular-economy energy mobility quantum software"
).split()


def _rows(model, items: Iterable[dict], connection) -> Iterator[tuple]:
    """Each item as a row of the model's table in column order, with the database's types
    (`get_db_prep_value`), defaults filled in as Django would."""
    now = datetime.datetime.now(datetime.UTC)
    fields = model._meta.concrete_fields
    for item in items:
        row = []
        for field in fields:
            if field.attname in item:
                value = item[field.attname]
            elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            else:
                value = field.get_default()
            row.append(field.get_db_prep_value(value, connection, prepared=False))
        yield tuple(row)


def write(model, items: list[dict]) -> None:
    """Write rows in bulk: COPY on PostgreSQL, multi-row INSERTs on SQLite."""
    from django.db import connection

    if not items:
        return
    table = model._meta.db_table
    columns = [field.column for field in model._meta.concrete_fields]
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    rows = _rows(model, items, connection)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
        insert = f"INSERT INTO {table} ({quoted}) VALUES "  # noqa: S608 - names from the models
        batch: list[tuple] = []
        for row in rows:
            batch.append(row)
            if len(batch) == SQLITE_ROWS_PER_STATEMENT:
                cursor.execute(insert + ", ".join([row_sql] * len(batch)), [*chain(*batch)])
                batch = []
        if batch:
            cursor.execute(insert + ", ".join([row_sql] * len(batch)), [*chain(*batch)])


class Ids:
    """Ids handed out in advance, after the highest one each table holds."""

    def __init__(self) -> None:
        self.next: dict[str, int] = {}

    def take(self, model) -> int:
        from django.db.models import Max

        table = model._meta.db_table
        if table not in self.next:
            self.next[table] = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        value = self.next[table]
        self.next[table] += 1
        return value


def _reset_sequences(models: list) -> None:
    """PostgreSQL's identity sequences after explicit ids (SQLite takes MAX(id) + 1)."""
    from django.core.management.color import no_style
    from django.db import connection

    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _counts(count: int) -> dict[str, int]:
    counts = {kind: int(count * share) for kind, share in KINDS.items()}
    counts["news"] += count - sum(counts.values())
    return counts


def generate(count: int, *, index: bool = False) -> float:
    """Write `count` synthetic content items; returns the seconds it took."""
    from bench_support import check_bench_database
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from clusterscape.content.models import (
        CallDeadline,
        Event,
        FundingCall,
        NewsItem,
        Project,
        Status,
    )
    from clusterscape.registry.models import Country, Field, Organisation

    check_bench_database()
    started = time.perf_counter()
    rng = random.Random(SEED)  # noqa: S311 - synthetic data
    now = timezone.now()
    fields = list(Field.objects.values_list("pk", flat=True))
    countries = dict(Country.objects.values_list("code", "pk"))
    abroad = [pk for code, pk in countries.items() if code != "DE"]
    organisations = list(
        Organisation.objects.filter(slug__startswith="synthetic-").values_list("pk", flat=True)
    ) or [None]
    ids = Ids()
    models = {"news": NewsItem, "event": Event, "call": FundingCall, "project": Project}

    def common(kind: str, number: int) -> dict:
        german = rng.random() < 0.6
        topic = rng.randrange(len(WORDS))
        word = WORDS[topic] if german else WORDS_EN[topic]
        label = KIND_WORDS_DE[kind] if german else kind
        return {
            "id": ids.take(models[kind]),
            "title": f"{word.capitalize()}: {label} {number} (synthetic)",
            "slug": f"synthetic-{kind}-{number:07d}",
            "language": "de" if german else "en",
            "translation_key": uuid.UUID(int=rng.getrandbits(128)),
            "organisation_id": rng.choice(organisations),
            "status": Status.PUBLISHED,
            "publish_at": now - datetime.timedelta(minutes=rng.randrange(5 * 365 * 24 * 60)),
            "_word": word,
        }

    def text(item: dict) -> str:
        if item["language"] == "de":
            return f"Synthetische Benchmark-Daten zu {item['_word']} (keine echte Meldung)."
        return f"Synthetic benchmark data about {item['_word']} (not a real item)."

    def news(number: int) -> dict:
        item = common("news", number)
        return {**item, "teaser": text(item), "body": f"<p>{text(item)}</p>", "tags": "synthetic"}

    def event(number: int) -> dict:
        item = common("event", number)
        starts = now + datetime.timedelta(hours=rng.randrange(-5 * 365 * 24, 365 * 24))
        foreign = rng.random() < 0.3
        return {
            **item,
            "kind": rng.choice(list(Event.Kind.values)),
            "summary": text(item),
            "starts_at": starts,
            "ends_at": starts + datetime.timedelta(hours=rng.choice([2, 8, 32, 56])),
            "time_zone": "Europe/Berlin",
            "venue": "Synthetic venue",
            "city": "Synthetic city",
            "country_id": rng.choice(abroad) if foreign else countries["DE"],
        }

    deadlines: list[dict] = []

    def call(number: int) -> dict:
        item = common("call", number)
        first = now + datetime.timedelta(days=rng.randrange(-4 * 365, 365))
        last = first + datetime.timedelta(days=rng.choice([0, 0, 90, 180]))
        deadlines.extend(
            {"id": ids.take(CallDeadline), "call_id": item["id"], "deadline_at": deadline}
            for deadline in sorted({first, last})
        )
        return {
            **item,
            "funder": "Synthetic funder",
            "summary": text(item),
            "budget_eur": Decimal(rng.randrange(1, 500) * 100_000),
            "official_url": f"https://synthetic.invalid/calls/{number}",
            "first_deadline_at": first,
            "last_deadline_at": last,
        }

    def project(number: int) -> dict:
        item = common("project", number)
        start = (now - datetime.timedelta(days=rng.randrange(5 * 365))).date()
        return {
            **item,
            "summary": text(item),
            "lead_organisation_id": item["organisation_id"],
            "start_date": start,
            "end_date": start + datetime.timedelta(days=rng.choice([365, 730, 1095])),
            "phase": rng.choice(list(Project.Phase.values)),
            "budget_eur": Decimal(rng.randrange(1, 100) * 50_000),
        }

    makers = {"news": news, "event": event, "call": call, "project": project}
    with transaction.atomic():
        for kind, total in _counts(count).items():
            model = models[kind]
            relation = model._meta.get_field("fields")
            through = relation.remote_field.through
            source, target = relation.m2m_column_name(), relation.m2m_reverse_name()
            for start in range(1, total + 1, CHUNK):
                items = [
                    makers[kind](number) for number in range(start, min(start + CHUNK, total + 1))
                ]
                links = [
                    {"id": ids.take(through), source: item["id"], target: field}
                    for item in items
                    for field in rng.sample(fields, rng.choice([1, 1, 2]))
                ]
                write(model, items)
                write(through, links)
                write(CallDeadline, deadlines)
                deadlines.clear()
        _reset_sequences([*models.values(), CallDeadline])
        _reset_sequences(
            [model._meta.get_field("fields").remote_field.through for model in models.values()]
        )
    if index:
        call_command("rebuild_search_index", verbosity=0)
    return time.perf_counter() - started


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterscape.settings")
    import django

    django.setup()
    arguments = [argument for argument in sys.argv[1:] if not argument.startswith("--")]
    size = int(arguments[0]) if arguments else 1_000_000
    seconds = generate(size, index="--index" in sys.argv)
    print(f"wrote {size:,} synthetic content items in {seconds:.0f} s")  # noqa: T201
