"""Tasks a worker left behind: a worker killed in the middle of a task (power loss, OOM,
SIGKILL after the stop timeout) leaves it RUNNING in the database queue for ever, since
django-tasks-db never looks at it again. `requeue_stalled` puts such tasks back in the
queue. Our tasks may run again safely: an index rebuild makes the index anew, and a mail
task's messages were either not sent or are sent once more (at least once, never lost)."""

import datetime

from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult


def requeue_stalled(
    *, worker_id: str = "", older_than: datetime.timedelta | None = None, dry_run: bool = False
) -> list[DBTaskResult]:
    """Put RUNNING tasks back in the queue (READY, to run now): those last claimed by
    `worker_id` (call it when that worker starts: none of its tasks can still run), or those
    started longer than `older_than` ago (for a worker that never comes back; choose a time
    longer than any task takes). Returns the tasks, as they were; `dry_run` changes nothing."""
    if not worker_id and older_than is None:
        raise ValueError("Name a worker id or an age, or every running task would be requeued.")
    with transaction.atomic():
        running = DBTaskResult.objects.running().select_for_update(skip_locked=True)
        if older_than is not None:
            running = running.filter(started_at__lt=timezone.now() - older_than)
        found = [
            task
            for task in running.order_by("started_at")
            if not worker_id or (task.worker_ids and task.worker_ids[-1] == worker_id)
        ]
        if found and not dry_run:
            DBTaskResult.objects.filter(pk__in=[task.pk for task in found]).update(
                status=TaskResultStatus.READY, started_at=None, run_after=timezone.now()
            )
    return found
