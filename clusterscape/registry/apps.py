from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "clusterscape.registry"
    verbose_name = _("Registry")
