"""Put tasks a killed worker left RUNNING back in the queue (clusterscape.core.task_queue)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from clusterscape.core.task_queue import requeue_stalled


class Command(BaseCommand):
    help = (
        "Put RUNNING tasks back in the queue: those of a worker that starts again "
        "(--worker-id, as given to db_worker), or those started more than --older-than "
        "minutes ago."
    )

    def add_arguments(self, parser):
        parser.add_argument("--worker-id", default="", help="The id the worker runs with.")
        parser.add_argument(
            "--older-than",
            type=int,
            metavar="MINUTES",
            help="Requeue tasks started longer ago than this (longer than any task takes).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Only list them.")

    def handle(self, *args, worker_id: str, older_than: int | None, dry_run: bool, **options):
        if older_than is not None and older_than < 1:
            raise CommandError("--older-than: give a number of minutes of at least 1.")
        age = datetime.timedelta(minutes=older_than) if older_than is not None else None
        try:
            found = requeue_stalled(worker_id=worker_id, older_than=age, dry_run=dry_run)
        except ValueError as error:
            raise CommandError(f"{error} Use --worker-id or --older-than.") from error
        for task in found:
            self.stdout.write(
                f"{task.pk} {task.task_path} started {task.started_at:%Y-%m-%d %H:%M}"
            )
        verb = "would be requeued" if dry_run else "requeued"
        self.stdout.write(f"{len(found)} stalled task(s) {verb}.")
