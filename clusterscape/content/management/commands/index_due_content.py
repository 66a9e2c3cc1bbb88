from django.core.management.base import BaseCommand

from clusterscape.content.services import index_due_items


class Command(BaseCommand):
    help = (
        "Put items whose scheduled publishing time has come into the search index (pages show "
        "them by query already; the index learns of them here or on the next rebuild)."
    )

    def handle(self, *args, **options) -> None:
        indexed = index_due_items()
        self.stdout.write(f"{indexed} scheduled items indexed")
