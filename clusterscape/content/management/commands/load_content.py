from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from clusterscape.content.loaders import load_calls

DATA_DIR = Path(settings.BASE_DIR) / "data" / "content"


class Command(BaseCommand):
    help = "Load the sourced content shipped in data/content/ (funding calls). Idempotent."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--calls", type=Path, default=DATA_DIR / "calls.csv")

    def handle(self, *args, calls: Path, **options) -> None:
        report = load_calls(calls)
        for problem in report.problems:
            self.stderr.write(f"{calls}, {problem}")
        if report.problems:
            raise CommandError(f"{calls}: {len(report.problems)} problems; nothing was loaded")
        self.stdout.write(
            f"{calls.name}: {len(report.created)} created, {len(report.updated)} updated"
        )
