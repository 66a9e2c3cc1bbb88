import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from clusterscape.matchmaking.evaluation import evaluate, read_pairs
from clusterscape.matchmaking.queries import Scope


class Command(BaseCommand):
    help = (
        "Leave-one-out evaluation of recommendations over known partnerships: recall@k, MRR "
        "and nDCG@k, with each pair's own hints hidden."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "pairs",
            nargs="?",
            default=str(Path(settings.BASE_DIR) / "data" / "partnerships.csv"),
            help="CSV with source_slug,target_slug (default: data/partnerships.csv)",
        )
        parser.add_argument("--k", type=int, default=10)
        parser.add_argument("--scope", choices=Scope.CHOICES, default=Scope.INTERNATIONAL)
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args, **options) -> None:
        path = Path(options["pairs"])
        if not path.is_file():
            raise CommandError(f"{path} does not exist")
        result = evaluate(read_pairs(path), k=options["k"], scope=options["scope"])
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), indent=2))
            return
        k = options["k"]
        self.stdout.write(
            f"{result.queries} queries ({len(result.skipped)} pairs skipped), "
            f"scope {result.scope}: recall@{k} {result.recall:.3f}, MRR {result.mrr:.3f}, "
            f"nDCG@{k} {result.ndcg:.3f}"
        )
