"""Background work of the matchmaking app (Django's task framework, see
clusterscape/core/mail.py)."""

from django_tasks import task

from . import index


@task()
def rebuild_match_index() -> int:
    """`manage.py rebuild_match_index --later` queues this; returns the number of profiles."""
    return index.rebuild_match_index()
