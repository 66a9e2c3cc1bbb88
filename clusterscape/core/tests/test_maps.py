import json
import re
from dataclasses import dataclass, field

import pytest
from django.template.loader import render_to_string

from clusterscape.core.templatetags.maps import map_data

pytestmark = pytest.mark.unit


@dataclass
class Named:
    name: str
    centre_latitude: float | None = None
    centre_longitude: float | None = None


@dataclass
class Related:
    items: list

    def all(self) -> list:
        return self.items


@dataclass
class StubOrganisation:
    """What the map reads from an organisation, without a database."""

    display_name: str
    slug: str
    city: str = ""
    latitude: float | None = None
    longitude: float | None = None
    location_precision: str = ""
    country: Named = field(default_factory=lambda: Named("Germany"))
    states: Related = field(default_factory=lambda: Related([]))

    def get_absolute_url(self) -> str:
        return f"/en/clusters/{self.slug}/"


def landscape() -> list[StubOrganisation]:
    return [
        StubOrganisation("ARENA2036", "arena2036", "Stuttgart", 48.7823, 9.177, "city"),
        StubOrganisation(
            "Cluster <Saxony>",
            "saxony",
            latitude=51.05,
            longitude=13.35,
            location_precision="state",
            states=Related([Named("Saxony")]),
        ),
        StubOrganisation("Pôle Paris", "paris", country=Named("France")),
    ]


def test_map_data_lists_every_place_and_plots_those_with_coordinates(settings):
    settings.MAP_TILE_URL = ""

    data = map_data(landscape())

    assert data["places"] == [
        {
            "name": "ARENA2036",
            "url": "/en/clusters/arena2036/",
            "place": "Stuttgart",
            "lat": 48.7823,
            "lon": 9.177,
            "approximate": False,
        },
        {
            "name": "Cluster <Saxony>",
            "url": "/en/clusters/saxony/",
            "place": "Saxony",
            "lat": 51.05,
            "lon": 13.35,
            "approximate": True,
        },
        {
            "name": "Pôle Paris",
            "url": "/en/clusters/paris/",
            "place": "France",
            "lat": None,
            "lon": None,
            "approximate": False,
        },
    ]
    assert data["markers"] == data["places"][:2]
    assert data["tile_url"] == ""


def test_map_partial_renders_list_hidden_map_and_marker_json():
    html = render_to_string("core/partials/map.html", {"organisations": landscape()})

    rows = re.findall(
        r'<th scope="row"><a href="([^"]+)">([^<]+)</a></th>\s*<td>([^<]+)</td>', html
    )
    assert rows == [
        ("/en/clusters/arena2036/", "ARENA2036", "Stuttgart"),
        ("/en/clusters/saxony/", "Cluster &lt;Saxony&gt;", "Saxony"),
        ("/en/clusters/paris/", "Pôle Paris", "France"),
    ]
    assert re.findall(r"<td>(yes|approximate location|no coordinates)</td>", html) == [
        "yes",
        "approximate location",
        "no coordinates",
    ]
    assert '<div class="map" id="map" role="region"' in html
    assert re.search(r'<div class="map"[^>]*\shidden\s', html)
    assert "<summary>List of 3 places</summary>" in html
    block = re.search(r'<script id="map-markers" type="application/json">(.*?)</script>', html)
    assert [marker["name"] for marker in json.loads(block.group(1))] == [
        "ARENA2036",
        "Cluster <Saxony>",
    ]
    assert "\\u003CSaxony\\u003E" in block.group(1)


def test_map_partial_takes_an_id_a_title_and_the_tile_setting(settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"

    html = render_to_string(
        "core/partials/map.html",
        {"organisations": landscape()[:1], "map_id": "location", "map_title": "Location"},
    )

    assert '<h2 id="location-title">Location</h2>' in html
    assert 'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"' in html
    assert '<script id="location-markers" type="application/json">' in html
    assert "<summary>List of 1 place</summary>" in html


def test_map_data_takes_a_single_organisation():
    organisation = landscape()[0]

    assert map_data(organisation)["places"] == map_data([organisation])["places"]


def test_map_data_places_unlocated_organisation_at_state_else_country_centre():
    in_saxony = StubOrganisation(
        "Energy Saxony", "energy-saxony", states=Related([Named("Saxony", 51.05, 13.2)])
    )
    in_austria = StubOrganisation(
        "Upper Austria", "upper-austria", country=Named("Austria", 47.59, 14.14)
    )

    places = map_data([in_saxony, in_austria])["places"]

    assert [(p["lat"], p["lon"], p["approximate"]) for p in places] == [
        (51.05, 13.2, True),
        (47.59, 14.14, True),
    ]
