"""Export every published organisation of a clusterscape server as CSV or JSON.

A small client of the open data API that needs nothing but httpx: it asks for the first
page of /api/v1/organisations, follows each page's `next` link until there is none, waits
when the server answers 429 (as long as Retry-After says), and writes the records.

    python examples/export_organisations.py https://clusterscape.example \
        --format csv --output organisations.csv
    python examples/export_organisations.py http://127.0.0.1:8000 --format json \
        --param state=DE-BW --param field=photonics

The records are licensed CC BY 4.0: name clusterscape and each record's sources
(`source_urls`); the JSON file carries the licence statement the API gives.
"""

import argparse
import csv
import json
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx

PAGE_SIZE = 100  # the API's cap
MAX_WAITS = 5  # give up after this many 429 answers in a row


def organisation_pages(
    client: httpx.Client, base_url: str, params: list[tuple[str, str]] | None = None
) -> Iterator[dict[str, Any]]:
    """Each page of the organisation list, following the `next` links."""
    url: str | None = f"{base_url.rstrip('/')}/api/v1/organisations"
    query: list[tuple[str, Any]] | None = [("page_size", PAGE_SIZE), *(params or [])]
    waits = 0
    while url:
        response = client.get(url, params=query)
        if response.status_code == 429 and waits < MAX_WAITS:
            waits += 1
            time.sleep(int(response.headers.get("Retry-After", "1")))
            continue
        response.raise_for_status()
        waits = 0
        page = response.json()
        yield page
        url, query = page["next"], None  # the link carries every parameter


def write_csv(records: list[dict[str, Any]], stream) -> None:
    """One row per organisation; lists joined with ';' as in the platform's CSV export."""
    columns = list(records[0]) if records else ["slug"]
    writer = csv.DictWriter(stream, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow(
            {
                column: ";".join(map(str, value)) if isinstance(value, list) else value
                for column, value in record.items()
                if column in columns
            }
        )


def export(
    base_url: str,
    *,
    file_format: str,
    stream,
    params: list[tuple[str, str]] | None = None,
) -> int:
    """Write every organisation the parameters select; return how many."""
    records: list[dict[str, Any]] = []
    licence = ""
    with httpx.Client(timeout=30, headers={"Accept": "application/json"}) as http:
        for page in organisation_pages(http, base_url, params):
            licence = page["licence"]
            records.extend(
                {key: value for key, value in record.items() if key != "partners"}
                for record in page["results"]
            )
    if file_format == "csv":
        write_csv(records, stream)
    else:
        json.dump({"licence": licence, "organisations": records}, stream, ensure_ascii=False)
        stream.write("\n")
    return len(records)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_url", help="the server, e.g. https://clusterscape.example")
    parser.add_argument("--format", choices=("csv", "json"), default="csv")
    parser.add_argument("--output", help="file to write (default: standard output)")
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a filter of /api/v1/organisations, e.g. state=DE-BW (repeatable)",
    )
    args = parser.parse_args(argv)
    params = [tuple(item.split("=", 1)) for item in args.param if "=" in item]
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as stream:
            count = export(args.base_url, file_format=args.format, stream=stream, params=params)
    else:
        count = export(args.base_url, file_format=args.format, stream=sys.stdout, params=params)
    print(f"{count} organisations", file=sys.stderr)  # noqa: T201 — a command-line tool
    return 0


if __name__ == "__main__":
    sys.exit(main())
