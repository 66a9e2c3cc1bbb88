from django.core.management.base import BaseCommand

from clusterscape.search import services


class Command(BaseCommand):
    help = "Make the search index again from the database (published organisations)."

    def handle(self, *args, **options) -> None:
        count = services.rebuild_index()
        self.stdout.write(f"search index rebuilt: {count} documents")
