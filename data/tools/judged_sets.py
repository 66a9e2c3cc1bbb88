"""Recompute the expected sets of judged search queries that are defined by a rule.

A judged query (``clusterscape/search/judged_queries.csv``) whose note ends with

- ``every organisation of <field>[, <field> ...]`` expects every organisation of
  ``data/organisations.csv`` that has one of those field slugs in ``fields``;
- ``every organisation in <place>`` expects every organisation whose ``city`` contains
  ``<place>``.

Run it after ``convert_shared.py`` whenever rows were added, so these sets follow the data.
Other queries (hand-judged ones) are left unchanged. The file is rewritten in place, rows in
their order; the script prints each query whose set changed and how many changed. Plain
Python, no Django::

    .venv/bin/python data/tools/judged_sets.py [--check]

With ``--check`` nothing is written and the exit status is 1 if any set would change.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ORGANISATIONS = ROOT / "data" / "organisations.csv"
JUDGED = ROOT / "clusterscape" / "search" / "judged_queries.csv"
COLUMNS = ["query", "expected", "note"]

FIELD_RULE = re.compile(r"every organisation of ([a-z0-9, -]+)$")
PLACE_RULE = re.compile(r"every organisation in (.+)$")


def expected_for(note: str, organisations: list[dict[str, str]]) -> list[str] | None:
    """The sorted slugs a rule note defines, or None if the note states no rule."""
    if match := FIELD_RULE.search(note):
        fields = {f.strip() for f in match.group(1).split(",") if f.strip()}
        return sorted(o["slug"] for o in organisations if fields & set(o["fields"].split(";")))
    if match := PLACE_RULE.search(note):
        place = match.group(1).strip()
        return sorted(o["slug"] for o in organisations if place in o["city"])
    return None


def recompute(rows: list[dict[str, str]], organisations: list[dict[str, str]]) -> list[str]:
    """Update the rule-defined rows in place; return a line per changed query."""
    changes = []
    for row in rows:
        expected = expected_for(row["note"], organisations)
        if expected is None:
            continue
        new = ";".join(expected)
        if new != row["expected"]:
            old_count = len([s for s in row["expected"].split(";") if s])
            changes.append(f"{row['query']}: {old_count} -> {len(expected)}")
            row["expected"] = new
    return changes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="write nothing")
    args = parser.parse_args(argv)
    with ORGANISATIONS.open(encoding="utf-8", newline="") as f:
        organisations = list(csv.DictReader(f))
    with JUDGED.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    changes = recompute(rows, organisations)
    sys.stdout.writelines(f"{line}\n" for line in changes)
    sys.stdout.write(f"changed {len(changes)}\n")
    if args.check:
        return 1 if changes else 0
    if changes:
        with JUDGED.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
