from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The label of the funding item in the main navigation (core/templates/core/base.html),
# translated in this app's catalogue.
NAV_LABEL = _("Internationalisation")


class FundingConfig(AppConfig):
    name = "clusterscape.funding"
    verbose_name = _("Funding programmes")
