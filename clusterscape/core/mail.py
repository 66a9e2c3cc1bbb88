"""E-mail is sent in the background, never in the request: `send_mails_later(messages)` puts
the messages into the task queue (Django's task framework, `settings.TASKS`) and a worker
(`manage.py db_worker`) sends them.

With the database queue the task is written in the caller's transaction, so the mails leave
exactly when the write that caused them commits (and never when it rolls back); with any other
backend the task is enqueued when the transaction commits. A message that cannot be sent is
tried again later (RETRY_DELAYS) with the messages not yet sent; every failed attempt stays in
the queue as a failed task with its traceback and is logged, so no mail is lost silently.
"""

import datetime
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks_db import DatabaseBackend

logger = logging.getLogger(__name__)

# Seconds to wait before the 2nd, 3rd, … attempt; after the last one the mails are given up
# (and stay recorded as failed tasks).
RETRY_DELAYS = (60, 5 * 60, 30 * 60, 2 * 3600)


def site_link(path: str) -> str:
    """A link for an e-mail, which is read outside the site: the path under SITE_URL (a full
    address stays as it is)."""
    if not path or path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL}{path}"


def send_mails_later(messages: Iterable[EmailMessage], *, using: str | None = None) -> None:
    """Queue the messages to be sent by the worker once the current transaction commits."""
    payload = [message_to_json(message) for message in messages]
    if not payload:
        return
    if isinstance(send_mails.get_backend(), DatabaseBackend):
        send_mails.enqueue(payload)  # in this transaction: queued if and only if it commits
    else:
        transaction.on_commit(lambda: send_mails.enqueue(payload), using=using)


@task()
def send_mails(messages: list[dict[str, Any]], attempt: int = 1) -> int:
    """Send the messages over one connection; returns how many were sent. When one fails, the
    rest (it included) is queued again for a later attempt and the failure is raised, so that
    this task is recorded as failed."""
    sent = 0
    try:
        with get_connection() as connection:
            for message in messages:
                connection.send_messages([message_from_json(message)])
                sent += 1
    except Exception:
        _retry_later(messages[sent:], attempt)
        raise
    return sent


def _retry_later(messages: list[dict[str, Any]], attempt: int) -> None:
    recipients = sorted({address for message in messages for address in message["to"]})
    if attempt > len(RETRY_DELAYS) or not send_mails.get_backend().supports_defer:
        logger.error(
            "giving up %d e-mail(s) to %s after %d attempt(s)",
            len(messages),
            ", ".join(recipients),
            attempt,
        )
        return
    delay = RETRY_DELAYS[attempt - 1]
    run_after = timezone.now() + datetime.timedelta(seconds=delay)
    send_mails.using(run_after=run_after).enqueue(messages, attempt=attempt + 1)
    logger.warning(
        "sending %d e-mail(s) failed (attempt %d), trying again in %d s",
        len(messages),
        attempt,
        delay,
    )


def message_to_json(message: EmailMessage) -> dict[str, Any]:
    """What the queue stores of a message (plain text, alternatives such as HTML, headers)."""
    if message.attachments:
        raise ValueError("send_mails_later does not take attachments")
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": str(message.from_email),
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [
            [str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
    }


def message_from_json(data: dict[str, Any]) -> EmailMultiAlternatives:
    return EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
        alternatives=[tuple(alternative) for alternative in data["alternatives"]],
    )
