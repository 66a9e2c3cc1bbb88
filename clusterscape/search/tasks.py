"""Background work of the search app (Django's task framework, see clusterscape/core/mail.py)."""

from django_tasks import task

from . import services


@task()
def reindex_labelled(name: str, value: str) -> int:
    """Queued by the admin of countries, states, fields and programmes in the transaction
    of an edit (services.reindex_labelled); returns the number of documents written."""
    return services.reindex_labelled(name, value)


@task()
def rebuild_search_index() -> int:
    """`manage.py rebuild_search_index --later` queues this; returns the number of documents."""
    return services.rebuild_index()
