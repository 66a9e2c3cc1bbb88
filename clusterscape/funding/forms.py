"""HTTP input of the working pages: each form cleans the input, the view hands it to one
service, and the service's errors come back onto the fields (forms_support)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clusterscape.accounts.models import User
from clusterscape.core.forms import AccessibleErrorsMixin
from clusterscape.registry.models import Country, Field

from .models import (
    Application,
    BudgetLine,
    Criterion,
    ExchangeComment,
    ExchangePost,
    Grant,
    Milestone,
    Partnership,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ApplicationForm(AccessibleErrorsMixin, forms.ModelForm):
    partner_countries = forms.ModelMultipleChoiceField(
        queryset=Country.objects.exclude(code="DE"),
        required=False,
        label=_("Intended partner countries"),
    )
    themes = forms.ModelMultipleChoiceField(
        queryset=Field.objects.all(), required=False, label=_("Themes")
    )

    class Meta:
        model = Application
        fields = [
            "concept_summary",
            "partner_regions",
            "partner_countries",
            "themes",
            "concept_budget_eur",
            "implementation_budget_eur",
        ]


class NewApplicationForm(ApplicationForm):
    organisation = forms.ModelChoiceField(queryset=None, label=_("Applying cluster or network"))

    class Meta(ApplicationForm.Meta):
        fields = ["organisation", *ApplicationForm.Meta.fields]

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class AssignReviewerForm(AccessibleErrorsMixin, forms.Form):
    reviewer = forms.ModelChoiceField(
        queryset=User.objects.filter(platform_role=User.PlatformRole.REVIEWER, is_active=True),
        label=_("Reviewer"),
    )


class DecisionForm(AccessibleErrorsMixin, forms.Form):
    decision = forms.TypedChoiceField(
        choices=[("select", _("select")), ("reject", _("do not select"))],
        widget=forms.RadioSelect,
        label=_("Decision"),
    )
    decision_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label=_("Reason for the decision")
    )


class ReviewForm(AccessibleErrorsMixin, forms.Form):
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, label=_("Comment")
    )

    def __init__(self, *args, criteria: list[Criterion], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"criterion_{criterion.pk}"] = forms.IntegerField(
                label=criterion.name,
                help_text=_("0 to %(max)s, weight %(weight)s")
                % {"max": criterion.max_score, "weight": criterion.weight},
                required=False,
            )
        self.order_fields([*(f"criterion_{c.pk}" for c in criteria), "comment"])

    def scores(self) -> dict[int, int | None]:
        return {c.pk: self.cleaned_data.get(f"criterion_{c.pk}") for c in self.criteria}


class GrantForm(AccessibleErrorsMixin, forms.ModelForm):
    class Meta:
        model = Grant
        fields = [
            "total_eur",
            "concept_start",
            "concept_end",
            "concept_budget_eur",
            "implementation_start",
            "implementation_end",
            "implementation_budget_eur",
        ]
        widgets = dict.fromkeys(
            ("concept_start", "concept_end", "implementation_start", "implementation_end"), DATE
        )


class MilestoneForm(AccessibleErrorsMixin, forms.ModelForm):
    prefix = "milestone"

    class Meta:
        model = Milestone
        fields = ["kind", "title", "due_on", "status"]
        widgets = {"due_on": DATE}


class BudgetLineForm(AccessibleErrorsMixin, forms.ModelForm):
    prefix = "budget"

    class Meta:
        model = BudgetLine
        fields = ["phase", "year", "amount_eur"]


class PartnershipStageForm(AccessibleErrorsMixin, forms.Form):
    stage = forms.ChoiceField(choices=Partnership.Stage.choices, label=_("Stage reached"))
    on = forms.DateField(widget=DATE, required=False, label=_("Reached on"))

    def __init__(self, *args, partnership: Partnership, **kwargs):
        kwargs.setdefault("prefix", f"partnership-{partnership.pk}")
        super().__init__(*args, **kwargs)


class PostForm(AccessibleErrorsMixin, forms.ModelForm):
    class Meta:
        model = ExchangePost
        fields = ["kind", "title", "body"]


class CommentForm(AccessibleErrorsMixin, forms.ModelForm):
    class Meta:
        model = ExchangeComment
        fields = ["body"]


class AttachmentForm(AccessibleErrorsMixin, forms.Form):
    title = forms.CharField(max_length=200, required=False, label=_("Title"))
    file = forms.FileField(
        label=_("Document"), help_text=_("PDF, office document, image or text; at most 10 MB.")
    )


class ExchangeSearchForm(forms.Form):
    q = forms.CharField(max_length=200, required=False, label=_("Search the exchange"))
