from django.core.management.base import BaseCommand

from clusterscape.matchmaking.index import rebuild_match_index


class Command(BaseCommand):
    help = "Make the match index (profiles and postings) again from the registry."

    def handle(self, *args, **options) -> None:
        count = rebuild_match_index()
        self.stdout.write(f"match index: {count} profiles")
