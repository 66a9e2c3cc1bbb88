from django.core.management.base import BaseCommand

from clusterscape.funding.seed import load_interspin


class Command(BaseCommand):
    help = (
        "Load the internationalisation programme (InterSpiN) with its rules and rounds and the "
        "selected clusters named by the shipped data. Run after the registry's shipped data; "
        "idempotent."
    )

    def handle(self, *args, **options) -> None:
        report = load_interspin()
        self.stdout.write(
            f"funding: {len(report.created)} selected clusters created, "
            f"{len(report.unchanged)} unchanged"
        )
        for slug in report.skipped:
            self.stdout.write(f"funding: {slug} has no published round year; not seeded")
