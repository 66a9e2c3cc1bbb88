import json

import pytest

from clusterscape.core import build_assets
from clusterscape.core.build_assets import decode_arcs, simplify

pytestmark = pytest.mark.unit


def test_simplify_drops_points_within_tolerance_and_keeps_the_ends():
    line = [(0.0, 0.0), (1.0, 0.01), (2.0, -0.01), (3.0, 5.0), (4.0, 6.0), (5.0, 7.0)]

    assert simplify(line, 0.1) == [(0.0, 0.0), (2.0, -0.01), (3.0, 5.0), (5.0, 7.0)]


def test_simplify_leaves_short_lines_alone():
    assert simplify([(0.0, 0.0), (1.0, 1.0)], 10) == [(0.0, 0.0), (1.0, 1.0)]


def test_decode_arcs_undoes_quantisation_and_delta_encoding():
    topology = {
        "transform": {"scale": [0.5, 0.25], "translate": [-10, 20]},
        "arcs": [[[0, 0], [2, 4], [-1, 0]]],
    }

    assert decode_arcs(topology) == [[(-10.0, 20.0), (-9.0, 21.0), (-9.5, 21.0)]]


def test_country_features_join_arcs_into_rings_with_iso_codes(monkeypatch):
    monkeypatch.setattr(build_assets, "WORLD_TOLERANCE", 0)
    topology = {
        "transform": {"scale": [1, 1], "translate": [0, 0]},
        "arcs": [[[0, 0], [10, 0], [0, 10]], [[10, 10], [-10, 0], [0, -10]]],
        "objects": {
            "countries": {
                "geometries": [
                    {"type": "Polygon", "id": "250", "arcs": [[0, 1]], "properties": {"name": "F"}},
                    {"type": "Polygon", "id": "010", "arcs": [[0, 1]], "properties": {"name": "A"}},
                ]
            }
        },
    }

    assert list(build_assets.country_features(topology)) == [
        {
            "type": "Feature",
            "properties": {"kind": "country", "iso": "FR", "name": "F"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]],
            },
        }
    ]


@pytest.mark.integration
def test_built_outlines_hold_the_countries_and_the_16_german_states_within_budget():
    if not build_assets.OUTLINES.is_file():
        pytest.fail("var/build/static/map/outlines.json is missing: run `make assets`")

    features = json.loads(build_assets.OUTLINES.read_text(encoding="utf-8"))["features"]

    states = [f["properties"]["iso"] for f in features if f["properties"]["kind"] == "state"]
    assert states == sorted(
        f"DE-{code}" for code in "BB BE BW BY HB HE HH MV NI NW RP SH SL SN ST TH".split()
    )
    countries = {f["properties"]["iso"] for f in features if f["properties"]["kind"] == "country"}
    assert {"FR", "PL", "US", "AU", "CN"} <= countries
    assert {"AQ", "DE"} & countries == set()
    assert build_assets.OUTLINES.stat().st_size <= build_assets.OUTLINES_BUDGET
