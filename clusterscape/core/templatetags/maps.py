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


def place(organisation) -> dict:
    has_position = organisation.latitude is not None and organisation.longitude is not None
    return {
        "name": organisation.display_name,
        "url": organisation.get_absolute_url(),
        "place": _place_name(organisation),
        "lat": organisation.latitude if has_position else None,
        "lon": organisation.longitude if has_position else None,
        "approximate": organisation.location_precision in APPROXIMATE,
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
