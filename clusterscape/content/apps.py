"""News, events, funding calls and projects (content issue)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "clusterscape.content"
    verbose_name = _("Content")

    def ready(self) -> None:
        from .documents import register_sources

        register_sources()
