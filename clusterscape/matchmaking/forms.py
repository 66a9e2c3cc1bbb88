"""HTTP input of the matchmaking pages: filters, and who is looking (an organisation of the
registry, or a description of oneself without an account)."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clusterscape.accounts.permissions import member_organisations
from clusterscape.core.forms import AccessibleErrorsMixin
from clusterscape.registry.models import (
    Capability,
    Country,
    Field,
    Organisation,
    Programme,
    State,
)

from .models import PartnerRequest
from .profiles import Profile, text_terms
from .queries import Filters, Scope

MAX_CHOICES = 10


class CodeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class FiltersForm(AccessibleErrorsMixin, forms.Form):
    scope = forms.ChoiceField(
        label=_("Partners from"),
        choices=[
            (Scope.INTERNATIONAL, _("other countries (internationalisation programme)")),
            (Scope.ANY, _("every country, my own included")),
        ],
        required=False,
    )
    country = CodeChoiceField(
        label=_("Country"), queryset=Country.objects.all(), required=False, to_field_name="code"
    )
    state = CodeChoiceField(
        label=_("German state"), queryset=State.objects.all(), required=False, to_field_name="code"
    )
    field = CodeChoiceField(
        label=_("Field"),
        queryset=Field.objects.order_by("position", "slug"),
        required=False,
        to_field_name="slug",
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", "---------"), *Organisation.Kind.choices], required=False
    )
    programme = CodeChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.all(),
        required=False,
        to_field_name="slug",
    )

    def scope_value(self) -> str:
        return self.cleaned_data.get("scope") or Scope.INTERNATIONAL

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            country=data["country"].code if data.get("country") else "",
            state=data["state"].code if data.get("state") else "",
            field=data["field"].slug if data.get("field") else "",
            kind=data.get("kind") or "",
            programme=data["programme"].slug if data.get("programme") else "",
        )


class ExplorerForm(FiltersForm):
    """Either an organisation of the registry, or a description of oneself."""

    organisation = forms.CharField(
        label=_("Organisation"),
        required=False,
        max_length=200,
        help_text=_("The name or short name of a published profile."),
    )
    me_country = CodeChoiceField(
        label=_("Your country"),
        queryset=Country.objects.all(),
        required=False,
        to_field_name="code",
    )
    me_fields = forms.ModelMultipleChoiceField(
        label=_("Your fields"),
        queryset=Field.objects.select_related("parent").order_by("position", "slug"),
        required=False,
        to_field_name="slug",
    )
    me_offers = forms.ModelMultipleChoiceField(
        label=_("What you offer"),
        queryset=Capability.objects.all(),
        required=False,
        to_field_name="slug",
        help_text=_("Steps of the value chain, in your fields."),
    )
    me_seeks = forms.ModelMultipleChoiceField(
        label=_("What you seek"),
        queryset=Capability.objects.all(),
        required=False,
        to_field_name="slug",
        help_text=_("Steps of the value chain, in your fields."),
    )
    me_targets = forms.ModelMultipleChoiceField(
        label=_("Countries where you look for partners"),
        queryset=Country.objects.all(),
        required=False,
        to_field_name="code",
    )
    me_keywords = forms.CharField(
        label=_("Your topics"),
        required=False,
        max_length=300,
        help_text=_("Keywords in German or English, e.g. carbon fibre, laser welding."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("me_fields", "me_offers", "me_seeks", "me_targets"):
            self.fields[name].label_from_instance = lambda obj: obj.name
        self.choices: list[Organisation] = []
        self.found: Organisation | None = None

    def clean_organisation(self) -> str:
        text = self.cleaned_data["organisation"].strip()
        if not text:
            return text
        published = Organisation.objects.filter(status=Organisation.Status.PUBLISHED)
        exact = list(
            published.filter(Q(name__iexact=text) | Q(short_name__iexact=text) | Q(slug=text))[
                :MAX_CHOICES
            ]
        )
        if len(exact) == 1:
            self.found = exact[0]
            return text
        self.choices = exact or list(
            published.filter(Q(name__icontains=text) | Q(short_name__icontains=text)).order_by(
                "name"
            )[:MAX_CHOICES]
        )
        if not self.choices:
            raise forms.ValidationError(_("No published organisation has this name."))
        raise forms.ValidationError(_("Several organisations match: pick one below."))

    @property
    def describes_self(self) -> bool:
        data = self.cleaned_data
        return bool(
            data.get("me_fields")
            or data.get("me_offers")
            or data.get("me_seeks")
            or data.get("me_keywords")
            or data.get("me_targets")
            or data.get("me_country")
        )

    def described_profile(self) -> Profile:
        """The profile of a visitor who described themselves."""
        data = self.cleaned_data
        fields = list(data.get("me_fields") or [])
        slugs = [f.slug for f in fields] or [""]

        def competences(capabilities) -> frozenset[tuple[str, str]]:
            return frozenset((slug, c.slug) for slug in slugs for c in capabilities or [])

        terms, words = text_terms([data.get("me_keywords") or ""])
        return Profile(
            country=data["me_country"].code if data.get("me_country") else "",
            fields=frozenset(f.slug for f in fields),
            areas=frozenset(f.parent.slug if f.parent_id else f.slug for f in fields),
            offers=competences(data.get("me_offers")),
            seeks=competences(data.get("me_seeks")),
            target_countries=frozenset(c.code for c in data.get("me_targets") or []),
            terms=terms,
            words=words,
        )


class InterestForm(AccessibleErrorsMixin, forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("In the name of"), queryset=Organisation.objects.none()
    )
    message = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_("What you bring and what you would like to do together."),
    )

    def __init__(self, user, partner_request, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = member_organisations(user).exclude(
            pk=partner_request.organisation_id
        )


class CodesField(forms.MultipleChoiceField):
    """Codes picked from a list; which of them exist is the service's check, so its message
    names the unknown ones together with every other error of the form."""

    widget = forms.SelectMultiple(attrs={"size": 8})

    def __init__(self, **kwargs) -> None:
        super().__init__(required=False, **kwargs)

    def valid_value(self, value) -> bool:
        return True


class PartnerRequestForm(AccessibleErrorsMixin, forms.Form):
    """Publishing or changing a partner request; the rules are requests.py's."""

    title = forms.CharField(label=_("Title"), max_length=200)
    seeks = forms.CharField(
        label=_("What you seek"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Competences, partners or know-how you look for. Fill in this or the next."),
    )
    offers = forms.CharField(
        label=_("What you offer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What your organisation brings to the cooperation."),
    )
    fields = CodesField(
        label=_("Themes"),
        choices=lambda: [(f.slug, f.name) for f in Field.objects.order_by("position", "slug")],
    )
    target_countries = CodesField(
        label=_("Countries where you look for partners"),
        choices=lambda: [(c.code, c.name) for c in Country.objects.all()],
    )
    cooperation = forms.ChoiceField(
        label=_("Type of cooperation"), choices=PartnerRequest.Cooperation.choices
    )
    deadline = forms.DateField(
        label=_("Deadline"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The request closes by itself after this day."),
    )
    language = forms.ChoiceField(
        label=_("Language of the request"), choices=[("de", _("German")), ("en", _("English"))]
    )

    @classmethod
    def initial_from(cls, request: PartnerRequest) -> dict:
        return {
            "title": request.title,
            "seeks": request.seeks,
            "offers": request.offers,
            "fields": [field.slug for field in request.fields.all()],
            "target_countries": [country.code for country in request.target_countries.all()],
            "cooperation": request.cooperation,
            "deadline": request.deadline,
            "language": request.language,
        }

    def values(self) -> dict:
        """The keyword arguments of requests.publish_partner_request."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "seeks": data["seeks"],
            "offers": data["offers"],
            "fields": data["fields"],
            "target_countries": data["target_countries"],
            "cooperation": data["cooperation"],
            "deadline": data["deadline"],
            "language": data["language"],
        }

    def add_service_errors(self, error) -> None:
        """A ValidationError of the service onto the fields it names."""
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)


class RequestListForm(AccessibleErrorsMixin, forms.Form):
    """Filters of the list of open partner requests."""

    q = forms.CharField(
        label=_("Words"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    field = CodeChoiceField(
        label=_("Field"),
        queryset=Field.objects.order_by("position", "slug"),
        required=False,
        to_field_name="slug",
    )
    country = CodeChoiceField(
        label=_("Partners sought in"),
        queryset=Country.objects.all(),
        required=False,
        to_field_name="code",
    )
    cooperation = forms.ChoiceField(
        label=_("Type of cooperation"),
        choices=[("", "---------"), *PartnerRequest.Cooperation.choices],
        required=False,
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=1000)
