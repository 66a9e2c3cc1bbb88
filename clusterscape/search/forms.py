"""The search form: HTTP input → SearchParams, for the search page and the API alike."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import queries
from .analysis import MAX_QUERY_LENGTH
from .places import resolve_place

MAX_VALUES_PER_FACET = 30
MAX_RADIUS_KM = 1000
DEFAULT_RADIUS_KM = 50
MAX_PAGE = 1000
FACET_VALUE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9:._-]{0,79}")


class FacetValuesField(forms.Field):
    """Any number of values of one facet (?state=DE-SN&state=DE-BY)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[str]:
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        cleaned = [str(item).strip() for item in value if str(item).strip()]
        return list(dict.fromkeys(cleaned))[:MAX_VALUES_PER_FACET]


class SearchForm(forms.Form):
    """Query, facet filters, dates, circle, sort and page. Facet values that are not known
    are ignored (listed in `ignored`), not an error: old links keep working."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        strip=True,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    type = FacetValuesField(label=_("Type"), required=False)
    kind = FacetValuesField(label=_("Kind"), required=False)
    country = FacetValuesField(label=_("Country"), required=False)
    state = FacetValuesField(label=_("German state"), required=False)
    field = FacetValuesField(label=_("Field"), required=False)
    programme = FacetValuesField(label=_("Programme"), required=False)
    round = FacetValuesField(label=_("Programme round"), required=False)
    size = FacetValuesField(label=_("Members"), required=False)
    language = FacetValuesField(label=_("Language"), required=False)
    date_from = forms.DateField(label=_("From"), required=False)
    date_to = forms.DateField(label=_("Until"), required=False)
    near = forms.CharField(label=_("Near (city)"), required=False, max_length=100)
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    radius = forms.FloatField(
        label=_("Radius (km)"), required=False, min_value=0.1, max_value=MAX_RADIUS_KM
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("relevance", _("Relevance")), ("name", _("Name")), ("date", _("Date"))],
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)
    page_size = forms.IntegerField(required=False, min_value=1)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.ignored: dict[str, list[str]] = {}
        self.place = None

    def clean_q(self) -> str:
        return self.cleaned_data["q"][:MAX_QUERY_LENGTH]

    def clean_page_size(self) -> int:
        size = self.cleaned_data["page_size"] or queries.DEFAULT_PAGE_SIZE
        return min(size, queries.MAX_PAGE_SIZE)

    def clean(self) -> dict:
        cleaned = super().clean()
        self._clean_facets(cleaned)
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", _("The end date lies before the start date."))
        self._clean_location(cleaned)
        return cleaned

    def _clean_facets(self, cleaned: dict) -> None:
        given = {}
        for name in queries.FACETS:
            values = cleaned.get(name) or []
            well_formed = [value for value in values if FACET_VALUE_RE.fullmatch(value)]
            malformed = [value for value in values if value not in well_formed]
            if malformed:
                self.ignored[name] = malformed
            if well_formed:
                given[name] = well_formed
        known = queries.known_facet_values(given) if given else {}
        for name in queries.FACETS:
            values = given.get(name, [])
            unknown = [value for value in values if value not in known.get(name, [])]
            if unknown:
                self.ignored.setdefault(name, []).extend(unknown)
            cleaned[name] = [value for value in values if value in known.get(name, [])]

    def _clean_location(self, cleaned: dict) -> None:
        near, lat, lon = cleaned.get("near"), cleaned.get("lat"), cleaned.get("lon")
        if near:
            self.place = resolve_place(near)
            if self.place is None:
                self.add_error("near", _("No city of that name is known."))
                return
            cleaned["lat"], cleaned["lon"] = self.place.latitude, self.place.longitude
        elif (lat is None) != (lon is None):
            if "lat" not in self.errors and "lon" not in self.errors:
                missing = "lon" if lon is None else "lat"
                self.add_error(missing, _("Give both latitude and longitude, or neither."))
            return
        has_centre = cleaned.get("lat") is not None and cleaned.get("lon") is not None
        if cleaned.get("radius") and not has_centre and "near" not in self.errors:
            self.add_error("radius", _("A radius needs a city or coordinates."))
        if has_centre and not cleaned.get("radius") and "radius" not in self.errors:
            cleaned["radius"] = DEFAULT_RADIUS_KM

    def params(self) -> queries.SearchParams:
        """The validated search; call after is_valid()."""
        if self.errors:
            raise ValidationError(self.errors)
        data = self.cleaned_data
        return queries.SearchParams(
            q=data.get("q") or "",
            filters={name: tuple(data[name]) for name in queries.FACETS if data.get(name)},
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            latitude=data.get("lat"),
            longitude=data.get("lon"),
            radius_km=data.get("radius"),
            sort=data.get("sort") or "relevance",
            page=data.get("page") or 1,
            page_size=data.get("page_size") or queries.DEFAULT_PAGE_SIZE,
        )
