"""Reading alerts: what an alert looks for, in words of the active language."""

from collections import defaultdict

from django.utils.translation import gettext as _

from clusterscape.matchmaking.forms import ExplorerForm
from clusterscape.registry.models import Capability, Country, Field
from clusterscape.search import queries as search_queries
from clusterscape.search.forms import SearchForm

from .models import Alert

PROFILE_TABLES = {
    "me_country": (Country, "code"),
    "me_targets": (Country, "code"),
    "me_fields": (Field, "slug"),
    "me_offers": (Capability, "slug"),
    "me_seeks": (Capability, "slug"),
}


def labels_for(alerts: list[Alert]) -> dict[tuple[str, str], str]:
    """Labels of every value the alerts name, in a fixed number of queries."""
    facets: dict[str, set[str]] = defaultdict(set)
    keys: dict[tuple[type, str], set[str]] = defaultdict(set)
    for alert in alerts:
        for name, values in alert.query.items():
            if alert.kind == Alert.Kind.SEARCH and name in search_queries.FACETS:
                facets[name].update(values)
            elif alert.kind == Alert.Kind.PROFILE and name in PROFILE_TABLES:
                keys[PROFILE_TABLES[name]].update(values)
    labels = (
        search_queries.facet_labels({n: sorted(v) for n, v in facets.items()}) if facets else {}
    )
    for (model, key), values in keys.items():
        for item in model.objects.filter(**{f"{key}__in": sorted(values)}):
            labels[model.__name__, getattr(item, key)] = item.name
    return labels


def describe(alert: Alert, labels: dict | None = None) -> list[tuple[str, str]]:
    """(label, values) pairs of what the alert looks for."""
    labels = labels_for([alert]) if labels is None else labels
    parts = []
    for name, values in alert.query.items():
        if alert.kind == Alert.Kind.SEARCH:
            if name == "q":
                parts.append((_("Words"), " ".join(values)))
                continue
            form_field = SearchForm.base_fields.get(name)
            shown = [labels.get((name, value), value) for value in values]
        else:
            form_field = ExplorerForm.base_fields.get(name)
            model = PROFILE_TABLES.get(name, (None,))[0]
            shown = [labels.get((getattr(model, "__name__", ""), v), v) for v in values]
        if form_field is not None:
            parts.append((str(form_field.label), ", ".join(shown)))
    return parts


def alerts_of(user) -> list[tuple[Alert, list[tuple[str, str]]]]:
    alerts = list(Alert.objects.filter(user=user))
    labels = labels_for(alerts)
    return [(alert, describe(alert, labels)) for alert in alerts]
