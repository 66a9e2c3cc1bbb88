from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchmakingConfig(AppConfig):
    name = "clusterscape.matchmaking"
    verbose_name = _("Matchmaking")

    def ready(self) -> None:
        from clusterscape.search.models import SearchDocument
        from clusterscape.search.sources import Source, register

        from .requests import request_documents

        register(
            Source(
                kind=SearchDocument.Kind.REQUEST,
                label=lambda: _("Partner requests"),
                url_name="matchmaking:request-detail",
                documents=request_documents,
            )
        )
