from django.core.management.base import BaseCommand

from clusterscape.matchmaking.brokerage_reminders import send_brokerage_reminders


class Command(BaseCommand):
    help = (
        "Remind every brokerage participant of its meetings on the next day (inbox and "
        "e-mail with the agenda's link). Run daily; running it twice sends nothing twice."
    )

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"reminded {send_brokerage_reminders()} participants")
