import io
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from clusterscape.registry import fileformats, services


class Command(BaseCommand):
    help = "Export all organisations in the import format (CSV or JSON), ordered by slug."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--format", choices=fileformats.FORMATS, default="csv", dest="file_format"
        )
        parser.add_argument("--output", type=Path, help="file to write (default: standard output)")

    def handle(self, *args, file_format: str, output: Path | None, **options) -> None:
        if output is None:
            buffer = io.StringIO()
            count = services.export_organisations(buffer, file_format=file_format)
            self.stdout.write(buffer.getvalue(), ending="")
        else:
            with output.open("w", encoding="utf-8", newline="") as stream:
                count = services.export_organisations(stream, file_format=file_format)
        self.stderr.write(f"{count} organisations exported")
