"""HTTP input of the brokerage pages."""

import datetime
import re
import zoneinfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusterscape.accounts.permissions import AnyUser, member_organisations
from clusterscape.core.forms import AccessibleErrorsMixin
from clusterscape.registry.models import Country, Field, Organisation

from .brokerage_models import BrokerageEvent, MeetingDay, MeetingRequest
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
    cooperation = forms.ChoiceField(
        label=_("Type of cooperation"),
        choices=[("", "—"), *PartnerRequest.Cooperation.choices],
        required=False,
        help_text=_("Offered or sought in the participant's cooperation offers and requests."),
    )

    def __init__(self, *args, brokerage: BrokerageEvent, **kwargs):
        """Countries and fields to choose from are those of the event's participants."""
        super().__init__(*args, **kwargs)
        taking_part = {
            "organisations__brokerage_participations__brokerage": brokerage,
            "organisations__status": Organisation.Status.PUBLISHED,
        }
        self.fields["country"].queryset = Country.objects.filter(**taking_part).distinct()
        self.fields["field"].queryset = Field.objects.filter(**taking_part).distinct()


class RegistrationForm(AccessibleErrorsMixin, forms.Form):
    """Register one's organisation, or a new partner that is not in the registry yet."""

    organisation = NamedChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )
    partner_requests = forms.ModelMultipleChoiceField(
        label=_("Cooperation offers and requests"),
        queryset=PartnerRequest.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Partner requests of your organisation to show to the other participants."),
    )

    new_name = forms.CharField(label=_("Name"), max_length=255, required=False)
    new_country = NamedChoiceField(
        label=_("Country"),
        queryset=Country.objects.all(),
        to_field_name="code",
        required=False,
    )
    new_kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Organisation.Kind.choices,
        initial=Organisation.Kind.INTERNATIONAL_PARTNER,
        required=False,
    )
    new_website = forms.URLField(
        label=_("Website"), max_length=500, required=False, assume_scheme="https"
    )
    NEW_FIELDS = ("new_name", "new_country", "new_kind", "new_website")

    def __init__(self, *args, user: AnyUser, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = member_organisations(user)
        self.has_organisations = organisations.exists()
        self.fields["organisation"].queryset = organisations
        self.fields["partner_requests"].queryset = PartnerRequest.objects.filter(
            organisation__in=organisations, status=PartnerRequest.Status.OPEN
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        new = cleaned.get("new_name", "").strip()
        if cleaned.get("organisation") and new:
            raise forms.ValidationError(
                _("Choose your organisation or enter a new partner organisation, not both.")
            )
        if not cleaned.get("organisation") and not new:
            raise forms.ValidationError(
                _("Choose your organisation, or enter a new partner organisation below.")
            )
        if new:
            for name in self.NEW_FIELDS[1:]:
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, _("Give this for the new organisation."))
            if cleaned.get("partner_requests"):
                self.add_error(
                    "partner_requests", _("A new organisation has no partner requests yet.")
                )
        return cleaned


class MeetingRequestForm(AccessibleErrorsMixin, forms.Form):
    recipient = forms.IntegerField(widget=forms.HiddenInput)
    message = forms.CharField(
        label=_("Message"),
        max_length=MeetingRequest.MESSAGE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", attrs={"step": 60}, **kwargs)


def in_zone(moment: datetime.datetime, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    """The wall-clock time as entered (Django made it aware in the current zone), in `zone`."""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return local.replace(tzinfo=zone)


class BrokerageSetupForm(AccessibleErrorsMixin, forms.Form):
    """The brokerage part of an event; date-times are entered in its time zone."""

    registration_opens = forms.DateTimeField(
        label=_("Registration opens"),
        widget=DateTimeInput,
        help_text=_("Local time in the time zone below."),
    )
    registration_closes = forms.DateTimeField(
        label=_("Registration closes"),
        widget=DateTimeInput,
        help_text=_("Before the first meeting day begins; meeting requests are sent until then."),
    )
    time_zone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        help_text=_("Where the meetings take place, e.g. Europe/Berlin."),
    )
    languages = forms.CharField(
        label=_("Languages"),
        max_length=100,
        help_text=_("Languages of the meetings, as codes separated by commas (de, en)."),
    )
    fee_note = forms.CharField(
        label=_("Fee"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional note on fees."),
    )

    @classmethod
    def initial_for(cls, brokerage: BrokerageEvent) -> dict:
        zone = brokerage.zone
        return {
            "registration_opens": brokerage.registration_opens.astimezone(zone).replace(
                tzinfo=None
            ),
            "registration_closes": brokerage.registration_closes.astimezone(zone).replace(
                tzinfo=None
            ),
            "time_zone": brokerage.time_zone,
            "languages": ", ".join(brokerage.language_list),
            "fee_note": brokerage.fee_note,
        }

    def service_values(self, fallback_zone: str) -> dict:
        """The cleaned values as the services take them: date-times in the entered zone."""
        data = self.cleaned_data
        try:
            zone = zoneinfo.ZoneInfo(data["time_zone"].strip())
        except (ValueError, zoneinfo.ZoneInfoNotFoundError):
            zone = zoneinfo.ZoneInfo(fallback_zone)  # the service names the bad zone
        return {
            "registration_opens": in_zone(data["registration_opens"], zone),
            "registration_closes": in_zone(data["registration_closes"], zone),
            "time_zone": data["time_zone"].strip(),
            "languages": data["languages"].replace(";", ",").split(","),
            "fee_note": data["fee_note"],
        }


BREAK_PATTERN = re.compile(r"^\s*(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})\s*$")


class MeetingDayForm(AccessibleErrorsMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    starts = forms.TimeField(
        label=_("First meeting"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    ends = forms.TimeField(
        label=_("End of the last meeting"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    slot_minutes = forms.IntegerField(label=_("Minutes per meeting"), initial=30)
    breaks = forms.CharField(
        label=_("Breaks"),
        required=False,
        max_length=500,
        help_text=_("From–until, separated by commas, e.g. 12:00-13:00, 15:30-15:45."),
    )
    tables = forms.IntegerField(label=_("Tables or online rooms"), initial=10)

    @classmethod
    def initial_for(cls, day: MeetingDay) -> dict:
        return {
            "date": day.date,
            "starts": day.starts,
            "ends": day.ends,
            "slot_minutes": day.slot_minutes,
            "breaks": ", ".join(f"{start}-{end}" for start, end in day.breaks),
            "tables": day.tables,
        }

    def clean_breaks(self) -> list[tuple[str, str]]:
        return parse_breaks(self.cleaned_data["breaks"])


def parse_breaks(text: str) -> list[tuple[str, str]]:
    """ "12:00-13:00, 15:30-15:45" as pairs of times (the service checks they fit the day)."""
    pairs = []
    for part in re.split(r"[,;\n]", text):
        if not part.strip():
            continue
        match = BREAK_PATTERN.match(part)
        if match is None:
            raise forms.ValidationError(_("Write each break as from–until, such as 12:00-13:00."))
        pairs.append((match.group(1).zfill(5), match.group(2).zfill(5)))
    return pairs
