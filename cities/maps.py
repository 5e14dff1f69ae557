"""Thailand's provinces as a server-rendered SVG map: no tiles, no scripts, nothing from the internet.

The shapes are ``cities/data/provinces.geojson`` (see cities/data/README.md for their source, licence and
how they were simplified), matched to ``Province`` by ISO 3166-2 code. They are projected once per process
with a plain equirectangular projection, longitudes shrunk by the cosine of 13°N (the middle of the
country), which keeps Thailand's shape at this scale; coordinates are written with one decimal.
"""

import itertools
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.html import format_html, format_html_join

DATA = Path(__file__).resolve().parent / "data" / "provinces.geojson"
SCALE = 36.0  # map units per degree of latitude
PAD = 6.0
LONGITUDE_FACTOR = math.cos(math.radians(13.0))


@dataclass(frozen=True)
class Shape:
    iso_code: str
    path: str  # the SVG path's ``d``
    centre: tuple[float, float]  # where a marker for the province goes
    box: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # min x, min y, max x, max y


@dataclass(frozen=True)
class Layout:
    width: float
    height: float
    shapes: dict  # iso_code -> Shape


def _polygons(geometry):
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def _ring_centroid(points):
    """Area and centroid of a closed ring (the shoelace formula)."""
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in itertools.pairwise(points):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if not area:
        return 0.0, points[0]
    return abs(area / 2), (cx / (3 * area), cy / (3 * area))


@lru_cache(maxsize=1)
def _features():
    return json.loads(DATA.read_text(encoding="utf-8"))["features"]


@lru_cache(maxsize=1)
def bounds():
    """(west, south, east, north) of the country's outlines, in degrees."""
    points = [
        p for f in _features() for polygon in _polygons(f["geometry"]) for ring in polygon for p in ring
    ]
    return (
        min(p[0] for p in points),
        min(p[1] for p in points),
        max(p[0] for p in points),
        max(p[1] for p in points),
    )


def project(lon, lat):
    """Map coordinates of a longitude and latitude (the map's units, y down)."""
    west, _south, _east, north = bounds()
    return (PAD + (lon - west) * LONGITUDE_FACTOR * SCALE, PAD + (north - lat) * SCALE)


def projection():
    """What a script needs to project as ``project`` does (the applicant's boundary drawn on the map)."""
    west, _south, _east, north = bounds()
    return {"west": west, "north": north, "scale": SCALE, "pad": PAD, "factor": LONGITUDE_FACTOR}


def view_box(boxes, margin=0.15, minimum=12.0):
    """The ``viewBox`` that shows every box (min x, min y, max x, max y) with a margin around them,
    at least ``minimum`` map units wide and high; the whole country when there is no box."""
    if not boxes:
        size = layout()
        return f"0 0 {size.width} {size.height}"
    left, top = min(b[0] for b in boxes), min(b[1] for b in boxes)
    right, bottom = max(b[2] for b in boxes), max(b[3] for b in boxes)
    width, height = max(right - left, minimum), max(bottom - top, minimum)
    cx, cy = (left + right) / 2, (top + bottom) / 2
    width, height = width * (1 + 2 * margin), height * (1 + 2 * margin)
    return f"{cx - width / 2:.2f} {cy - height / 2:.2f} {width:.2f} {height:.2f}"


def rings_box(rings):
    projected = [project(lon, lat) for ring in rings for lon, lat, *_rest in ring]
    xs, ys = [x for x, _y in projected], [y for _x, y in projected]
    return (min(xs), min(ys), max(xs), max(ys))


def rings_path(rings):
    """One SVG path ``d`` of the given rings of [longitude, latitude] positions, in map coordinates."""
    parts = []
    for ring in rings:
        projected = [project(lon, lat) for lon, lat, *_rest in ring]
        parts.append("M" + "L".join(f"{x:.2f},{y:.2f}" for x, y in projected) + "Z")
    return "".join(parts)


@lru_cache(maxsize=1)
def layout() -> Layout:
    west, south, east, north = bounds()
    shapes = {}
    for feature in _features():
        parts, largest, xs, ys = [], (0.0, (0.0, 0.0)), [], []
        for polygon in _polygons(feature["geometry"]):
            for index, ring in enumerate(polygon):
                projected = [project(lon, lat) for lon, lat in ring]
                xs += [x for x, _y in projected]
                ys += [y for _x, y in projected]
                parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in projected[:-1]) + "Z")
                if index == 0:
                    largest = max(largest, _ring_centroid(projected), key=lambda pair: pair[0])
        iso_code = feature["properties"]["iso_code"]
        centre = tuple(round(c, 1) for c in largest[1])
        box = (min(xs), min(ys), max(xs), max(ys))
        shapes[iso_code] = Shape(iso_code, "".join(parts), centre, box)
    width = 2 * PAD + (east - west) * LONGITUDE_FACTOR * SCALE
    height = 2 * PAD + (north - south) * SCALE
    return Layout(round(width, 1), round(height, 1), shapes)


@dataclass
class MapProvince:
    """What the map shows of one province: how it is coloured, what its tooltip says, where it links."""

    iso_code: str
    label: str
    state: str = ""  # "" | "certified" | "zone"
    has_zone: bool = False
    url: str = ""


def render(provinces, *, title, css_class="registry-map", attrs=None, extra="", viewbox=None):
    """The SVG element (safe HTML) of the map of ``provinces`` (``MapProvince``, one per province);
    ``attrs`` are more attributes of the ``svg`` element, ``extra`` safe SVG drawn over the provinces."""
    shapes = layout().shapes
    paths = []
    markers = []
    for province in provinces:
        shape = shapes.get(province.iso_code)
        if shape is None:
            continue
        state = f"province province-{province.state}" if province.state else "province"
        path = format_html(
            '<path class="{}" d="{}" data-iso="{}"><title>{}</title></path>',
            state,
            shape.path,
            province.iso_code,
            province.label,
        )
        if province.url:
            path = format_html('<a href="{}" aria-label="{}">{}</a>', province.url, province.label, path)
        paths.append(path)
        if province.has_zone:
            markers.append(shape.centre)
    dots = format_html_join(
        "", '<circle class="zone-marker" cx="{}" cy="{}" r="3.2"></circle>', ((x, y) for x, y in markers)
    )
    size = layout()
    # An image may not hold links (axe: nested-interactive): a map whose provinces link is a group.
    role = "group" if any(province.url for province in provinces) else "img"
    return format_html(
        '<svg class="{}" viewBox="{}" role="{}" aria-label="{}" xmlns="http://www.w3.org/2000/svg"{}>'
        '<title>{}</title>{}<g class="zone-markers" aria-hidden="true">{}</g>{}</svg>',
        css_class,
        viewbox or f"0 0 {size.width} {size.height}",
        role,
        title,
        format_html_join("", ' {}="{}"', sorted((attrs or {}).items())),
        title,
        format_html_join("", "{}", ((p,) for p in paths)),
        dots,
        extra,
    )
