from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "clusterscape.search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from . import checks  # noqa: F401 — registers them
        from .models import SearchDocument
        from .services import organisation_documents
        from .sources import Source, register

        register(
            Source(
                kind=SearchDocument.Kind.ORGANISATION,
                label=lambda: _("Organisations"),
                url_name="registry:organisation-detail",
                documents=organisation_documents,
            )
        )
