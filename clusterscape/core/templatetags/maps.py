"""The data behind the map partial (core/partials/map.html).

    {% include "core/partials/map.html" with organisations=organisations %}
    {% include "core/partials/map.html" with organisations=organisation map_id="location" %}

The partial calls {% map_data organisations as map %}: every organisation becomes a row of
the server-rendered list of places, and those with coordinates also a marker in the JSON block
that core/map.js reads to draw the Leaflet map.
"""

from collections.abc import Iterable

from django import template
from django.conf import settings

register = template.Library()

APPROXIMATE = frozenset({"state", "country"})


def _place_name(organisation) -> str:
    """Where the organisation is, in words: its city, else its German states, else its
    country. Uses the prefetched states and the selected country of the listing querysets."""
    if organisation.city:
        return organisation.city
    states = [state.name for state in organisation.states.all()]
    if states:
        return ", ".join(states)
    return organisation.country.name


def _position(organisation) -> tuple[float | None, float | None, bool]:
    """Latitude, longitude and whether they are approximate: the organisation's own
    coordinates, else the centre of its (first) German state, else of its country."""
    if organisation.latitude is not None and organisation.longitude is not None:
        approximate = organisation.location_precision in APPROXIMATE
        return organisation.latitude, organisation.longitude, approximate
    regions = [*organisation.states.all(), organisation.country]
    for region in regions:
        if region.centre_latitude is not None:
            return region.centre_latitude, region.centre_longitude, True
    return None, None, False


def place(organisation) -> dict:
    latitude, longitude, approximate = _position(organisation)
    return {
        "name": organisation.display_name,
        "url": organisation.get_absolute_url(),
        "place": _place_name(organisation),
        "lat": latitude,
        "lon": longitude,
        "approximate": approximate,
    }


@register.simple_tag
def map_data(organisations: Iterable | object) -> dict:
    """places: every organisation (one organisation or an iterable of them); markers: those
    with coordinates (what map.js plots); tile_url and tile_attribution: the optional tile
    layer of settings.MAP_TILE_URL."""
    if hasattr(organisations, "get_absolute_url"):
        organisations = [organisations]
    places = [place(organisation) for organisation in organisations]
    return {
        "places": places,
        "markers": [entry for entry in places if entry["lat"] is not None],
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
