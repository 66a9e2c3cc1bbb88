"""Background work through the task queue in the database (django-tasks-db): e-mails are
queued by the request and sent by the worker, failures are recorded and tried again, index
rebuilds can be queued. The other tests run tasks at once (TASKS_BACKEND in pyproject.toml)."""

import datetime
import smtplib
from io import StringIO

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from clusterscape.accounts.tests.factories import UserFactory
from clusterscape.core.mail import (
    RETRY_DELAYS,
    message_from_json,
    message_to_json,
    send_mails,
    send_mails_later,
)
from clusterscape.registry.tests.factories import OrganisationFactory
from clusterscape.search.models import SearchDocument

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


class DownForSomeBackend(LocmemBackend):
    """Delivers like the test outbox, but the mail server refuses messages to down@…"""

    def send_messages(self, messages):
        if any(address.startswith("down@") for message in messages for address in message.to):
            raise smtplib.SMTPServerDisconnected("connection closed by the mail server")
        return super().send_messages(messages)


@pytest.fixture
def database_queue(settings):
    settings.TASKS = DATABASE_QUEUE


def run_worker() -> None:
    """What `manage.py db_worker` does, until the queue holds nothing due."""
    call_command(
        "db_worker", batch=True, reload=False, startup_delay=False, verbosity=0, stdout=StringIO()
    )


def _message(to: str, subject: str = "Hello") -> EmailMessage:
    return EmailMessage(subject, "Body", to=[to])


@pytest.mark.integration
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_password_reset_mail_waits_in_the_queue_until_the_worker_sends_it(client, database_queue):
    UserFactory(username="fritz", email="fritz@example.org")

    response = client.post("/en/account/password/reset/", {"email": "fritz@example.org"})
    queued = list(DBTaskResult.objects.values_list("task_path", "status"))
    outbox_after_request = list(mail.outbox)
    run_worker()

    assert response["Location"] == "/en/account/password/reset/sent/"
    assert queued == [("clusterscape.core.mail.send_mails", "READY")]
    assert outbox_after_request == []
    assert [message.to for message in mail.outbox] == [["fritz@example.org"]]
    assert "/en/account/password/reset/" in mail.outbox[0].body
    assert list(DBTaskResult.objects.values_list("status", "return_value")) == [("SUCCESSFUL", 1)]


@pytest.mark.integration
@pytest.mark.django_db
def test_mails_of_a_write_that_rolls_back_are_never_queued(database_queue):
    def failing_write() -> None:
        with transaction.atomic():
            send_mails_later([_message("anna@example.org")])
            raise RuntimeError("the write fails after the mail was asked for")

    with pytest.raises(RuntimeError):
        failing_write()
    send_mails_later([_message("ben@example.org")])

    assert [row.args_kwargs["args"][0][0]["to"] for row in DBTaskResult.objects.all()] == [
        ["ben@example.org"]
    ]


@pytest.mark.integration
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_failed_mail_is_recorded_and_the_unsent_ones_are_tried_again(settings, database_queue):
    settings.EMAIL_BACKEND = f"{__name__}.DownForSomeBackend"
    send_mails_later(
        [_message("anna@example.org"), _message("down@example.org"), _message("ben@example.org")]
    )

    run_worker()
    failed = DBTaskResult.objects.get(status="FAILED")
    retry = DBTaskResult.objects.get(status="READY")
    sent_first = [message.to for message in mail.outbox]
    # later the mail server takes mail again, and the retry is due
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_worker()

    assert sent_first == [["anna@example.org"]]
    assert failed.exception_class_path == "smtplib.SMTPServerDisconnected"
    assert "connection closed by the mail server" in failed.traceback
    assert [m["to"] for m in retry.args_kwargs["args"][0]] == [
        ["down@example.org"],
        ["ben@example.org"],
    ]
    assert retry.args_kwargs["kwargs"] == {"attempt": 2}
    assert retry.run_after - failed.started_at >= datetime.timedelta(seconds=RETRY_DELAYS[0])
    assert [message.to for message in mail.outbox] == [
        ["anna@example.org"],
        ["down@example.org"],
        ["ben@example.org"],
    ]
    assert DBTaskResult.objects.get(pk=retry.pk).status == "SUCCESSFUL"


@pytest.mark.integration
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_mail_is_given_up_after_the_last_attempt_and_stays_recorded(
    settings, database_queue, caplog
):
    settings.EMAIL_BACKEND = f"{__name__}.DownForSomeBackend"
    last = len(RETRY_DELAYS) + 1
    send_mails.enqueue([message_to_json(_message("down@example.org"))], attempt=last)

    run_worker()

    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["FAILED"]
    assert f"giving up 1 e-mail(s) to down@example.org after {last} attempt(s)" in caplog.text


@pytest.mark.unit
def test_queued_message_keeps_alternatives_and_headers():
    message = mail.EmailMultiAlternatives(
        "Betreff", "Text", "from@example.org", ["to@example.org"], headers={"X-Tag": "1"}
    )
    message.attach_alternative("<p>Text</p>", "text/html")

    copy = message_from_json(message_to_json(message))

    assert (copy.subject, copy.body, copy.from_email, copy.to, copy.extra_headers) == (
        "Betreff",
        "Text",
        "from@example.org",
        ["to@example.org"],
        {"X-Tag": "1"},
    )
    assert [tuple(alternative) for alternative in copy.alternatives] == [
        ("<p>Text</p>", "text/html")
    ]


@pytest.mark.integration
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_index_rebuilds_can_be_queued_for_the_worker(database_queue):
    OrganisationFactory(slug="cool-silicon", name="Cool Silicon")
    SearchDocument.objects.all().delete()
    out = StringIO()

    call_command("rebuild_search_index", "--later", stdout=out)
    call_command("rebuild_match_index", "--later", stdout=out)
    documents_before_worker = SearchDocument.objects.count()
    run_worker()

    assert out.getvalue().count("rebuild queued: task ") == 2
    assert documents_before_worker == 0
    assert sorted(DBTaskResult.objects.values_list("task_path", "status")) == [
        ("clusterscape.matchmaking.tasks.rebuild_match_index", "SUCCESSFUL"),
        ("clusterscape.search.tasks.rebuild_search_index", "SUCCESSFUL"),
    ]
    assert SearchDocument.objects.filter(slug="cool-silicon").count() == 1


@pytest.mark.integration
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_mail_whose_worker_was_killed_is_sent_when_the_worker_starts_again(database_queue):
    send_mails_later([_message("anna@example.org")])
    # a worker claimed it and was killed before it finished: RUNNING for ever
    DBTaskResult.objects.update(status="RUNNING", started_at=timezone.now(), worker_ids=["host-a"])
    run_worker()
    assert mail.outbox == []  # no worker takes a RUNNING task

    call_command("requeue_stalled_tasks", "--worker-id", "host-a", stdout=StringIO())
    run_worker()

    assert [message.to for message in mail.outbox] == [["anna@example.org"]]
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["SUCCESSFUL"]
