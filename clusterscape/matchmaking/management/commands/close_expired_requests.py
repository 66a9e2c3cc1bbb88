from django.core.management.base import BaseCommand

from clusterscape.matchmaking.requests import close_expired_requests


class Command(BaseCommand):
    help = "Close partner requests past their deadline (run daily; they count as closed anyway)."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"closed {close_expired_requests()} expired partner requests")
