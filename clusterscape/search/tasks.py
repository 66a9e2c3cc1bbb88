"""Background work of the search app (Django's task framework, see clusterscape/core/mail.py)."""

from django_tasks import task

from . import services


@task()
def rebuild_search_index() -> int:
    """`manage.py rebuild_search_index --later` queues this; returns the number of documents."""
    return services.rebuild_index()
