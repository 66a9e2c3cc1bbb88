"""HTTP input of the alerts pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clusterscape.core.forms import AccessibleErrorsMixin
from clusterscape.matchmaking.forms import ExplorerForm

from .models import Alert


class FrequencyForm(AccessibleErrorsMixin, forms.Form):
    frequency = forms.ChoiceField(
        label=_("How often"), choices=Alert.Frequency.choices, initial=Alert.Frequency.DAILY
    )


class ProfileAlertForm(ExplorerForm):
    """A request profile: the explorer's description of oneself, and how often to hear."""

    frequency = FrequencyForm.base_fields["frequency"]

    PROFILE_FIELDS = ("me_fields", "me_offers", "me_seeks", "me_targets", "me_keywords")
