from django.core.management.base import BaseCommand

from clusterscape.alerts.digests import send_alert_digests


class Command(BaseCommand):
    help = (
        "E-mail every user whose alerts are due (daily, or weekly from Monday) one digest of "
        "the new organisations, partner requests and funding calls that match them. Run it "
        "once a day; a second run in the same period sends nothing."
    )

    def handle(self, *args, **options) -> None:
        sent = send_alert_digests()
        self.stdout.write(f"{sent} digest(s) sent")
