import re

import pytest
from django.template import Context, Template
from django.utils import translation

from clusterscape.core.templatetags.charts import chart_rows

pytestmark = pytest.mark.unit

EXPECTED = """<figure class="chart" id="chart-organisations-by-state">
  <figcaption id="chart-organisations-by-state-caption">Organisations by state</figcaption>
  <svg class="bar-chart" role="img" aria-labelledby="chart-organisations-by-state-title chart-organisations-by-state-desc" width="100%" height="80" xmlns="http://www.w3.org/2000/svg">
    <title id="chart-organisations-by-state-title">Organisations by state</title>
    <desc id="chart-organisations-by-state-desc">Bayern: 3; Berlin &amp; Brandenburg: 1</desc>
    <g>
      <text><tspan x="0" y="15">Bayern</tspan> <tspan class="value">3</tspan></text>
      <rect class="track" x="0" y="21" width="100%" height="12"/>
      <rect class="bar" x="0" y="21" width="100.0%" height="12"/>
    </g>
    <g>
      <text><tspan x="0" y="55">Berlin &amp; Brandenburg</tspan> <tspan class="value">1</tspan></text>
      <rect class="track" x="0" y="61" width="100%" height="12"/>
      <rect class="bar" x="0" y="61" width="33.3%" height="12"/>
    </g>
    </svg>
  <details class="chart-data">
    <summary>Data table</summary>
    <div class="table-wrap">
      <table aria-labelledby="chart-organisations-by-state-caption">
        <thead><tr><th scope="col">State</th><th scope="col">Organisations</th></tr></thead>
        <tbody>
          <tr><th scope="row"><a href="/en/states/bayern/">Bayern</a></th><td>3</td></tr>
          <tr><th scope="row">Berlin &amp; Brandenburg</th><td>1</td></tr>
        </tbody>
      </table>
    </div>
  </details>
</figure>
"""  # noqa: E501


def render(source: str, **context) -> str:
    return Template("{% load charts %}" + source).render(Context(context))


def test_bar_chart_renders_svg_with_title_desc_bars_and_data_table():
    html = render(
        '{% bar_chart "Organisations by state" rows label_heading="State" '
        'value_heading="Organisations" %}',
        rows=[("Bayern", 3, "/en/states/bayern/"), ("Berlin & Brandenburg", 1)],
    )

    assert html == EXPECTED


def test_bar_chart_keeps_a_decimal_point_in_german():
    with translation.override("de"):
        html = render('{% bar_chart "Felder" rows %}', rows=[("A", 3), ("B", 2)])

    assert re.findall(r'class="bar" x="0" y="\d+" width="([^"]+)"', html) == ["100.0%", "66.7%"]


def test_bar_chart_without_rows_says_so_and_draws_nothing():
    html = render('{% bar_chart "Programmes" rows chart_id="by-programme" %}', rows=[])

    assert html == (
        '<figure class="chart" id="by-programme">\n'
        '  <figcaption id="by-programme-caption">Programmes</figcaption>\n'
        "  \n"
        '  <p class="muted">No data yet.</p>\n'
        "</figure>\n"
    )


def test_chart_rows_accept_dicts_and_scale_to_the_largest_value():
    rows = chart_rows([{"label": "a", "value": 4, "url": "/a/"}, {"label": "b", "value": 1}])

    assert [(row["label"], row["value"], row["url"], row["width"]) for row in rows] == [
        ("a", 4, "/a/", "100.0%"),
        ("b", 1, "", "25.0%"),
    ]


def test_chart_rows_of_zeros_draw_empty_bars():
    assert [row["width"] for row in chart_rows([("a", 0), ("b", 0)])] == ["0.0%", "0.0%"]


def test_chart_rows_wrap_long_labels_and_push_the_bar_down():
    rows = chart_rows(
        [("Clusters4Future – the future cluster initiative of the BMBF", 2), ("B", 1)]
    )

    assert [(row["lines"], row["bar_y"]) for row in rows] == [
        (
            [
                {"text": "Clusters4Future – the future cluster", "y": 15},
                {"text": "initiative of the BMBF", "y": 33},
            ],
            39,
        ),
        ([{"text": "B", "y": 73}], 79),
    ]
