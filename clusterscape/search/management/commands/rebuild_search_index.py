from django.core.management.base import BaseCommand, CommandParser

from clusterscape.search import services, tasks


class Command(BaseCommand):
    help = "Make the search index again from the database (published organisations)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--later",
            action="store_true",
            help="Queue the rebuild for the background worker (manage.py db_worker) and return.",
        )

    def handle(self, *args, later: bool = False, **options) -> None:
        if later:
            result = tasks.rebuild_search_index.enqueue()
            self.stdout.write(f"search index rebuild queued: task {result.id}")
            return
        count = services.rebuild_index()
        self.stdout.write(f"search index rebuilt: {count} documents")
