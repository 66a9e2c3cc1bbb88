from django.core.management.base import BaseCommand, CommandParser

from clusterscape.registry.duplicates import SCORE_THRESHOLD, find_duplicates
from clusterscape.registry.models import Organisation


class Command(BaseCommand):
    help = (
        "Report likely duplicate organisations (similar names, same website domain, same short "
        "name and city) with a score; editors merge them in the admin."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--threshold", type=float, default=SCORE_THRESHOLD)

    def handle(self, *args, threshold: float, **options) -> None:
        organisations = (
            Organisation.objects.exclude(status=Organisation.Status.ARCHIVED)
            .only("slug", "name", "short_name", "website", "city", "country_id")
            .prefetch_related("states")
        )
        candidates = find_duplicates(organisations, threshold=threshold)
        for candidate in candidates:
            self.stdout.write(
                f"{candidate.score:.2f}  {candidate.first.slug}  {candidate.second.slug}  "
                f"({'; '.join(candidate.reasons)})"
            )
        self.stderr.write(f"{len(candidates)} likely duplicates")
