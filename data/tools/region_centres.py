"""Write data/region_centres.csv: an approximate centre for every country and German state.

Organisations known only by their state or country are drawn there on the map, marked as
approximate. The centre is the area centroid of the largest polygon of each outline in
var/build/static/map/outlines.json, which `make assets` builds from Natural Earth 1:50m
(public domain) and the BKG's state boundaries (© GeoBasis-DE / BKG 2021, dl-de/by-2.0).
Germany itself is drawn as its states, so its centre is the centroid of the states' centres
weighted by their areas.

Run: .venv/bin/python data/tools/region_centres.py
"""

import csv
import json
import sys
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUTLINES = ROOT / "var" / "build" / "static" / "map" / "outlines.json"
OUTPUT = ROOT / "data" / "region_centres.csv"
SOURCES = {
    "country": "centroid of the Natural Earth 1:50m outline (public domain)",
    "state": "centroid of the BKG VG250 outline (© GeoBasis-DE / BKG 2021, dl-de/by-2.0)",
}


def area_and_centroid(ring: list[list[float]]) -> tuple[float, float, float]:
    """Signed area and centroid (x, y) of a closed ring, by the shoelace formula."""
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in pairwise(ring):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    area /= 2
    if area == 0:
        xs, ys = zip(*ring, strict=True)
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return area, cx / (6 * area), cy / (6 * area)


def largest_polygon_centre(geometry: dict) -> tuple[float, float, float]:
    polygons = (
        geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    )
    measured = [area_and_centroid(unwrapped(polygon[0])) for polygon in polygons]
    area, x, y = max(measured, key=lambda item: abs(item[0]))
    return abs(area), (x + 180) % 360 - 180, y


def unwrapped(ring: list[list[float]]) -> list[list[float]]:
    """A ring that crosses the antimeridian (Russia's far east) with its western longitudes
    shifted by 360°, so that its centroid is not torn apart."""
    longitudes = [x for x, _y in ring]
    if min(longitudes) < -150 and max(longitudes) > 150:
        return [[x + 360 if x < 0 else x, y] for x, y in ring]
    return ring


def main() -> int:
    if not OUTLINES.exists():
        sys.stderr.write(f"{OUTLINES} is missing: run `make assets` first\n")
        return 1
    features = json.loads(OUTLINES.read_text(encoding="utf-8"))["features"]
    rows = []
    german = []
    for feature in features:
        code = feature["properties"].get("iso")
        kind = feature["properties"]["kind"]
        if not code:
            continue
        area, lon, lat = largest_polygon_centre(feature["geometry"])
        rows.append((code, round(lat, 4), round(lon, 4), SOURCES[kind]))
        if kind == "state":
            german.append((area, lat, lon))
    total = sum(area for area, _lat, _lon in german)
    rows.append(
        (
            "DE",
            round(sum(area * lat for area, lat, _lon in german) / total, 4),
            round(sum(area * lon for area, _lat, lon in german) / total, 4),
            "area-weighted centre of the 16 states' centroids (BKG VG250, dl-de/by-2.0)",
        )
    )
    rows = sorted(set(rows))
    with OUTPUT.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["code", "latitude", "longitude", "source"])
        writer.writerows(rows)
    sys.stdout.write(f"wrote {len(rows)} centres to {OUTPUT}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
