"""HTTP input of the brokerage pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clusterscape.accounts.permissions import AnyUser, member_organisations
from clusterscape.core.forms import AccessibleErrorsMixin
from clusterscape.registry.models import Country, Field, Organisation

from .brokerage_models import MeetingRequest
from .models import PartnerRequest


class NamedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class ParticipantFiltersForm(AccessibleErrorsMixin, forms.Form):
    country = NamedChoiceField(
        label=_("Country"), queryset=Country.objects.all(), required=False, to_field_name="code"
    )
    field = NamedChoiceField(
        label=_("Field"), queryset=Field.objects.all(), required=False, to_field_name="slug"
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", "—"), *Organisation.Kind.choices], required=False
    )


class RegistrationForm(AccessibleErrorsMixin, forms.Form):
    organisation = NamedChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    partner_requests = forms.ModelMultipleChoiceField(
        label=_("Cooperation offers and requests"),
        queryset=PartnerRequest.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Partner requests of your organisation to show to the other participants."),
    )

    def __init__(self, *args, user: AnyUser, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = member_organisations(user)
        self.fields["organisation"].queryset = organisations
        self.fields["partner_requests"].queryset = PartnerRequest.objects.filter(
            organisation__in=organisations, status=PartnerRequest.Status.OPEN
        )


class MeetingRequestForm(AccessibleErrorsMixin, forms.Form):
    recipient = forms.IntegerField(widget=forms.HiddenInput)
    message = forms.CharField(
        label=_("Message"),
        max_length=MeetingRequest.MESSAGE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
