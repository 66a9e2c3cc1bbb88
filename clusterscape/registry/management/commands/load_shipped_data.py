from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from clusterscape.registry import fileformats, services

DATA_DIR = Path(settings.BASE_DIR) / "data"


class Command(BaseCommand):
    help = (
        "Load the real data shipped in data/: region centres, programmes, organisations, then "
        "sourced partnerships. Idempotent."
    )

    def handle(self, *args, **options) -> None:
        steps = (
            ("region_centres.csv", services.import_region_centres, True),
            ("programmes.csv", services.import_programmes, True),
            (
                "organisations.csv",
                lambda path: services.import_organisations(path, progress=True),
                True,
            ),
            ("partnerships.csv", services.import_partner_links, False),
        )
        for name, load, required in steps:
            path = DATA_DIR / name
            if not required and not path.exists():
                continue
            try:
                report = load(path)
            except fileformats.FileInvalid as error:
                raise CommandError(str(error)) from None
            for problem in report.problems:
                self.stderr.write(f"{path}, {problem}")
            if report.problems:
                raise CommandError(f"{path}: {len(report.problems)} problems; nothing was loaded")
            self.stdout.write(
                f"{name}: {len(report.created)} created, {len(report.updated)} updated, "
                f"{len(report.unchanged)} unchanged"
            )
        call_command("load_funding")  # the funding programme's seed (funding app)
        call_command("load_content")  # sourced funding calls (content app, data/content/)
