from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from clusterscape.registry import fileformats, services


class Command(BaseCommand):
    help = (
        "Import organisations from a CSV or JSON file in the format of data/README.md, "
        "upserting by slug. Nothing is written when any record is invalid, unless "
        "--skip-invalid, which writes the valid records and the rejects to a CSV file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=fileformats.FORMATS, dest="file_format")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="write the valid records; invalid ones go to the rejects file",
        )
        parser.add_argument(
            "--rejects",
            type=Path,
            help="where --skip-invalid writes rejected records (default: FILE.rejects.csv)",
        )

    def handle(self, *args, file: Path, file_format, skip_invalid, rejects, **options) -> None:
        try:
            report = services.import_organisations(
                file,
                file_format=file_format,
                skip_invalid=skip_invalid,
                progress=options["verbosity"] >= 1,
            )
        except fileformats.FileInvalid as error:
            raise CommandError(str(error)) from None
        for problem in report.problems:
            self.stderr.write(f"{file}, {problem}")
        if report.problems and not skip_invalid:
            raise CommandError(
                f"{len(report.rejected)} of {report.total} records are invalid; "
                "nothing was imported (fix them, or use --skip-invalid)"
            )
        if report.rejected:
            rejects = rejects or file.with_name(f"{file.name}.rejects.csv")
            with rejects.open("w", encoding="utf-8", newline="") as stream:
                services.write_rejects(report, stream)
            self.stderr.write(f"{len(report.rejected)} rejected records written to {rejects}")
        self.stdout.write(
            f"{file}: {len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged, {len(report.rejected)} rejected"
        )
