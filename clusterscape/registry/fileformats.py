"""Reading and writing organisation records as CSV and JSON files.

Reading checks the file as a whole (size, encoding, syntax, columns) and raises `FileInvalid`
with a message that says where; checking each record is the job of `records.parse_record`.
"""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from .records import COLUMNS, INTEGER_COLUMNS, LIST_COLUMNS, LIST_SEPARATOR

NUMBER_COLUMNS = ("latitude", "longitude", "management_staff_fte")

FORMATS = ("csv", "json")
JSON_FORMAT_NAME = "clusterscape-organisations"
JSON_FORMAT_VERSION = 1


class FileInvalid(Exception):
    """The file as a whole can't be read; nothing in it was imported."""


@dataclass
class RawRecord:
    """One record as read from a file, with where it stands there."""

    location: str  # "row 7" (CSV, counted as a spreadsheet does) or "record 3" (JSON)
    values: dict[str, Any]


def detect_format(path: Path, explicit: str | None = None) -> str:
    file_format = (explicit or path.suffix.lstrip(".")).lower()
    if file_format not in FORMATS:
        raise FileInvalid(
            _("%(path)s: unknown format %(format)r; use .csv or .json (or --format)")
            % {"path": path, "format": file_format}
        )
    return file_format


def read_records(path: Path, *, max_bytes: int, file_format: str | None = None) -> list[RawRecord]:
    file_format = detect_format(path, file_format)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise FileInvalid(
            _("%(path)s: cannot be read (%(error)s)") % {"path": path, "error": error}
        ) from None
    if size > max_bytes:
        raise FileInvalid(
            _("%(path)s: %(size)s bytes is larger than the limit of %(limit)s bytes")
            % {"path": path, "size": size, "limit": max_bytes}
        )
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileInvalid(
            _("%(path)s: not UTF-8 text (byte %(position)s)")
            % {"path": path, "position": error.start}
        ) from None
    if not text.strip():
        raise FileInvalid(_("%(path)s: the file is empty") % {"path": path})
    if file_format == "csv":
        return list(_read_csv(text, path))
    return list(_read_json(text, path))


def _read_csv(text: str, path: Path) -> Iterator[RawRecord]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [column.strip() for column in next(reader)]
        if len(set(header)) != len(header):
            repeated = sorted({column for column in header if header.count(column) > 1})
            raise FileInvalid(
                _("%(path)s, row 1: repeated columns %(columns)s")
                % {"path": path, "columns": ", ".join(repeated)}
            )
        rows = []
        number = 1  # spreadsheet numbering: the header is row 1
        for row in reader:
            number += 1
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise FileInvalid(
                    _("%(path)s, row %(row)s: %(found)s cells, the header has %(expected)s")
                    % {"path": path, "row": number, "found": len(row), "expected": len(header)}
                )
            rows.append(RawRecord(f"row {number}", dict(zip(header, row, strict=True))))
    except csv.Error as error:
        raise FileInvalid(
            _("%(path)s, row %(row)s: malformed CSV (%(error)s)")
            % {"path": path, "row": reader.line_num, "error": error}
        ) from None
    yield from rows


def _read_json(text: str, path: Path) -> Iterator[RawRecord]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise FileInvalid(
            _("%(path)s, line %(line)s column %(column)s: malformed JSON (%(error)s)")
            % {"path": path, "line": error.lineno, "column": error.colno, "error": error.msg}
        ) from None
    if isinstance(document, dict):
        document = document.get("organisations")
    if not isinstance(document, list):
        raise FileInvalid(
            _('%(path)s: expected a list of records or {"organisations": [...]}') % {"path": path}
        )
    for index, item in enumerate(document, start=1):
        if not isinstance(item, dict):
            raise FileInvalid(
                _("%(path)s, record %(index)s: a record is an object, not %(type)s")
                % {"path": path, "index": index, "type": type(item).__name__}
            )
        values = {}
        for key, value in item.items():
            if isinstance(value, dict) or (
                isinstance(value, list) and any(isinstance(v, dict | list) for v in value)
            ):
                raise FileInvalid(
                    _("%(path)s, record %(index)s, %(column)s: nested objects are not allowed")
                    % {"path": path, "index": index, "column": key}
                )
            values[key] = value
        yield RawRecord(f"record {index}", values)


def csv_value(value: Any) -> str:
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    return "" if value is None else str(value)


def write_csv(records: Iterable[dict[str, Any]], stream: io.TextIOBase) -> int:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for record in records:
        writer.writerow([csv_value(record[column]) for column in COLUMNS])
        count += 1
    return count


def json_value(column: str, value: Any) -> Any:
    if column in LIST_COLUMNS:
        return value
    if value == "":
        return None
    if column in INTEGER_COLUMNS:
        return int(value)
    if column in NUMBER_COLUMNS:
        return float(value)
    return value


def write_json(records: Iterable[dict[str, Any]], stream: io.TextIOBase) -> int:
    items = [
        {column: json_value(column, record[column]) for column in COLUMNS} for record in records
    ]
    document = {
        "format": JSON_FORMAT_NAME,
        "version": JSON_FORMAT_VERSION,
        "organisations": items,
    }
    json.dump(document, stream, ensure_ascii=False, indent=1)
    stream.write("\n")
    return len(items)
