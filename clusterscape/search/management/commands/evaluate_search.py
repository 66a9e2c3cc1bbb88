from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from clusterscape.search.evaluation import JUDGED_QUERIES, evaluate, read_judgements


class Command(BaseCommand):
    help = "Print MRR and recall@10 of the search on a judged set of queries."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--judged", type=Path, default=JUDGED_QUERIES, help="CSV file")
        parser.add_argument("--verbose-misses", action="store_true", help="list weak queries")

    def handle(self, *args, judged: Path, verbose_misses: bool, **options) -> None:
        try:
            judgements = read_judgements(judged)
        except (OSError, KeyError, UnicodeDecodeError) as error:
            raise CommandError(f"{judged}: {error}") from None
        if not judgements:
            raise CommandError(f"{judged} holds no queries")
        evaluation = evaluate(judgements)
        if verbose_misses:
            for outcome in evaluation.outcomes:
                if outcome.reciprocal_rank < 1 or outcome.recall < 1:
                    self.stdout.write(
                        f"  {outcome.judgement.query!r}: rr={outcome.reciprocal_rank:.2f} "
                        f"recall={outcome.recall:.2f} got {outcome.found[:5]}"
                    )
        self.stdout.write(
            f"backend {connection.vendor}: {len(judgements)} queries, "
            f"MRR {evaluation.mrr:.3f}, recall@10 {evaluation.recall_at_10:.3f}"
        )
