"""Filters of the public lists, and the forms managers and editors write content with.
The editorial forms only parse input; every rule lives in content.services."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from clusterscape.core.forms import AccessibleErrorsMixin
from clusterscape.registry.models import Country, Field, Organisation

from .models import Event, FundingCall, NewsItem, Project, Status


class SlugChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class ListFilterForm(forms.Form):
    field = SlugChoiceField(
        label=_("Field"),
        queryset=Field.objects.order_by("position", "slug"),
        to_field_name="slug",
        required=False,
        empty_label=_("all fields"),
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(status=Organisation.Status.PUBLISHED),
        to_field_name="slug",
        required=False,
        widget=forms.HiddenInput,
    )


class EventFilterForm(ListFilterForm):
    country = SlugChoiceField(
        label=_("Country"),
        queryset=Country.objects.filter(
            code__in=Event.objects.filter(status=Status.PUBLISHED)
            .exclude(country=None)
            .values("country")
        ).order_by("code"),
        to_field_name="code",
        required=False,
        empty_label=_("all countries"),
    )
    kind = forms.ChoiceField(
        label=_("Kind of event"),
        choices=[("", _("all kinds")), *Event.Kind.choices],
        required=False,
    )


# Editorial forms


def formfield(model_field, **kwargs):
    """Web addresses typed without a scheme are read as https (Django 6 default)."""
    if isinstance(model_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return model_field.formfield(**kwargs)


class ContentForm(AccessibleErrorsMixin, forms.ModelForm):
    """What the model form offers; the service validates and saves."""

    class Meta:
        formfield_callback = formfield

    m2m_names: tuple[str, ...] = ("fields",)

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if "fields" in self.fields:
            self.fields["fields"].queryset = Field.objects.order_by("position", "slug")
            self.fields["fields"].label_from_instance = lambda obj: obj.name
        if "organisation" in self.fields and organisations is not None:
            self.fields["organisation"].queryset = organisations
            self.fields["organisation"].required = True
            self.fields["organisation"].empty_label = None

    def _post_clean(self):
        # No model validation here: the service validates (and attaches time zones first).
        pass

    def service_data(self) -> dict:
        return dict(self.cleaned_data)

    def add_service_error(self, error: ValidationError) -> None:
        """Show a service's error at the field it names (or above the form)."""
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, error)
        for name in self.errors:
            if name in self.fields:
                bound = self[name]
                described_by = [f"{bound.auto_id}_errors"]
                if self.fields[name].help_text:
                    described_by.append(f"{bound.auto_id}_helptext")
                self.fields[name].widget.attrs["aria-describedby"] = " ".join(described_by)
                self.fields[name].widget.attrs["aria-invalid"] = "true"


class NewsItemForm(ContentForm):
    class Meta(ContentForm.Meta):
        model = NewsItem
        fields = [
            "organisation", "title", "language", "teaser", "body", "image", "image_alt",
            "tags", "fields",
        ]  # fmt: skip
        widgets = {"fields": forms.CheckboxSelectMultiple}

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        image = data.get("image")
        if image is False:  # "clear" ticked
            data["image"] = ""
        elif image is None or image == self.initial.get("image"):
            data.pop("image", None)
        return data


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class EventForm(ContentForm):
    class Meta(ContentForm.Meta):
        model = Event
        fields = [
            "organisation", "title", "language", "kind", "summary", "body", "starts_at",
            "ends_at", "time_zone", "venue", "city", "country", "latitude", "longitude",
            "online_url", "organiser", "registration_url", "registration_deadline", "fields",
        ]  # fmt: skip
        widgets = {
            "fields": forms.CheckboxSelectMultiple,
            "starts_at": DateTimeInput,
            "ends_at": DateTimeInput,
            "registration_deadline": DateTimeInput,
        }
        help_texts = {"starts_at": _("Local time at the event, in its time zone.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Date-times are entered in the event's own time zone, so the form reads them naive
        # and the service attaches the zone.
        for name in ("starts_at", "ends_at", "registration_deadline"):
            self.fields[name].widget.attrs["step"] = 60
        if self.instance.pk:
            for name in ("starts_at", "ends_at", "registration_deadline"):
                value = getattr(self.instance, name)
                if value is not None:
                    self.initial[name] = value.astimezone(self.instance.zone).replace(tzinfo=None)

    def clean(self):
        cleaned = super().clean()
        for name in ("starts_at", "ends_at", "registration_deadline"):
            value = cleaned.get(name)
            if value is not None and value.tzinfo is not None:
                cleaned[name] = value.replace(tzinfo=None)
        return cleaned


class FundingCallForm(ContentForm):
    deadline = forms.DateTimeField(
        label=_("Deadline (local time)"),
        widget=DateTimeInput,
        help_text=_("Local time in the deadline's time zone."),
    )
    deadline_time_zone = forms.CharField(
        label=_("Time zone of the deadline"), initial="Europe/Berlin"
    )
    deadline_label = forms.CharField(label=_("What is due"), required=False)
    second_deadline = forms.DateTimeField(
        label=_("Second deadline (optional)"), widget=DateTimeInput, required=False
    )
    second_deadline_label = forms.CharField(label=_("What is due then"), required=False)

    class Meta(ContentForm.Meta):
        model = FundingCall
        fields = [
            "organisation", "title", "language", "programme", "programme_name", "funder",
            "summary", "budget_eur", "max_funding_eur", "funding_rate", "eligible_countries",
            "eligible_applicants", "official_url", "source_urls", "fields",
        ]  # fmt: skip
        widgets = {"fields": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        deadlines = list(self.instance.deadlines.all()) if self.instance.pk else []
        for prefix, deadline in zip(("", "second_"), deadlines, strict=False):
            self.initial[f"{prefix}deadline"] = deadline.local_deadline.replace(tzinfo=None)
            self.initial[f"{prefix}deadline_label"] = deadline.label
        if deadlines:
            self.initial["deadline_time_zone"] = deadlines[0].time_zone

    def service_data(self) -> dict:
        from .services import Deadline

        data = dict(self.cleaned_data)
        zone = data.pop("deadline_time_zone")
        deadlines = [
            Deadline(data.pop("deadline").replace(tzinfo=None), zone, data.pop("deadline_label"))
        ]
        second, second_label = data.pop("second_deadline"), data.pop("second_deadline_label")
        if second:
            deadlines.append(Deadline(second.replace(tzinfo=None), zone, second_label))
        data["deadlines"] = deadlines
        return data


class ProjectForm(ContentForm):
    class Meta(ContentForm.Meta):
        model = Project
        fields = [
            "organisation", "title", "language", "summary", "lead_organisation", "countries",
            "start_date", "end_date", "budget_eur", "funding_source", "phase", "outcome_links",
            "fields",
        ]  # fmt: skip
        widgets = {
            "fields": forms.CheckboxSelectMultiple,
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
        }


class RejectForm(AccessibleErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why does the item go back?"), widget=forms.Textarea(attrs={"rows": 3})
    )


FORMS = {
    "news": NewsItemForm,
    "events": EventForm,
    "calls": FundingCallForm,
    "projects": ProjectForm,
}
