"""Charts drawn on the server: an accessible inline SVG with the same data as a table.

    {% load charts %}
    {% bar_chart _("Organisations by German state") rows %}
    {% bar_chart title rows label_heading=_("State") value_heading=_("Organisations") %}
    {% bar_chart title rows chart_id="by-state" %}

rows is an iterable of (label, value) or (label, value, url) tuples, or of dicts with the keys
label, value and optionally url. A url links the label in the data table.
"""

import textwrap
from collections.abc import Iterable

from django import template
from django.utils.text import slugify
from django.utils.translation import gettext as _

register = template.Library()

# Layout in pixels: a row is the label (wrapped after LINE_CHARS characters, as SVG text
# doesn't wrap) with its value, then the bar.
LINE_CHARS = 40
LINE_HEIGHT = 18
LABEL_BASELINE = 15
BAR_GAP = 6
BAR_HEIGHT = 12
ROW_GAP = 7


def chart_rows(rows: Iterable) -> list[dict]:
    """Normalised rows with each bar's width in percent of the largest value."""
    normalised = []
    for row in rows:
        if isinstance(row, dict):
            label, value, url = row["label"], row["value"], row.get("url", "")
        else:
            label, value, *rest = row
            url = rest[0] if rest else ""
        normalised.append({"label": str(label), "value": value, "url": url or ""})
    largest = max((row["value"] for row in normalised), default=0)
    top = 0
    for row in normalised:
        share = row["value"] / largest * 100 if largest > 0 else 0
        # Formatted here, not in the template: SVG needs a decimal point in every locale.
        row["width"] = f"{share:.1f}%"
        lines = textwrap.wrap(row["label"], LINE_CHARS) or [""]
        row["lines"] = [
            {"text": text, "y": top + LABEL_BASELINE + index * LINE_HEIGHT}
            for index, text in enumerate(lines)
        ]
        row["bar_y"] = row["lines"][-1]["y"] + BAR_GAP
        top = row["bar_y"] + BAR_HEIGHT + ROW_GAP
    return normalised


@register.inclusion_tag("core/partials/bar_chart.html")
def bar_chart(
    title: str,
    rows: Iterable,
    *,
    label_heading: str = "",
    value_heading: str = "",
    chart_id: str = "",
) -> dict:
    normalised = chart_rows(rows)
    return {
        "title": title,
        "rows": normalised,
        "label_heading": label_heading or _("Name"),
        "value_heading": value_heading or _("Number"),
        "chart_id": chart_id or f"chart-{slugify(title)}",
        "height": normalised[-1]["bar_y"] + BAR_HEIGHT + ROW_GAP if normalised else 0,
        "bar_height": BAR_HEIGHT,
    }
