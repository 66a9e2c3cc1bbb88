"""Tasks a killed worker left RUNNING go back in the queue, and only those."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def running(worker: str, minutes_ago: int) -> DBTaskResult:
    started = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        started_at=started,
        run_after=started,
        worker_ids=["earlier-worker", worker],
        args_kwargs={"args": [], "kwargs": {}},
        task_path="clusterscape.search.tasks.rebuild_search_index",
        backend_name="default",
    )


def test_a_worker_starting_again_requeues_its_own_running_tasks(capsys):
    mine = running("host-a", minutes_ago=2)
    theirs = running("host-b", minutes_ago=2)

    call_command("requeue_stalled_tasks", "--worker-id", "host-a")

    assert list(DBTaskResult.objects.ready()) == [mine]  # what the worker takes next
    mine.refresh_from_db()
    assert (mine.started_at, mine.worker_ids) == (None, ["earlier-worker", "host-a"])
    theirs.refresh_from_db()
    assert theirs.status == TaskResultStatus.RUNNING
    assert "1 stalled task(s) requeued." in capsys.readouterr().out


def test_tasks_running_longer_than_the_age_are_requeued_and_a_dry_run_changes_nothing(capsys):
    old = running("gone", minutes_ago=90)
    young = running("busy", minutes_ago=10)

    call_command("requeue_stalled_tasks", "--older-than", "60", "--dry-run")
    assert not DBTaskResult.objects.ready().exists()
    assert f"{old.pk} " in capsys.readouterr().out

    call_command("requeue_stalled_tasks", "--older-than", "60")
    assert list(DBTaskResult.objects.ready()) == [old]
    young.refresh_from_db()
    assert young.status == TaskResultStatus.RUNNING


@pytest.mark.parametrize("arguments", [[], ["--older-than", "0"]])
def test_without_a_worker_or_a_sensible_age_nothing_is_requeued(arguments):
    task = running("busy", minutes_ago=10)
    with pytest.raises(CommandError):
        call_command("requeue_stalled_tasks", *arguments)
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING
