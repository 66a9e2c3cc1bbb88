from django.core.management.base import BaseCommand, CommandParser

from clusterscape.matchmaking import tasks
from clusterscape.matchmaking.index import rebuild_match_index


class Command(BaseCommand):
    help = "Make the match index (profiles and postings) again from the registry."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--later",
            action="store_true",
            help="Queue the rebuild for the background worker (manage.py db_worker) and return.",
        )

    def handle(self, *args, later: bool = False, **options) -> None:
        if later:
            result = tasks.rebuild_match_index.enqueue()
            self.stdout.write(f"match index rebuild queued: task {result.id}")
            return
        count = rebuild_match_index()
        self.stdout.write(f"match index: {count} profiles")
