"""Validation of an optional GeoJSON boundary: a polygon (or multipolygon) inside Thailand, of bounded
size (MAX_CHARS, MAX_POINTS) and depth (a FeatureCollection of Features of polygons at most); and the
reading of an uploaded boundary file, GeoJSON or KML, into such GeoJSON."""

import itertools
import json
import math

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as parse_xml
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Thailand's bounding box (longitude, latitude), with a small margin for coastal and border areas.
THAILAND_BBOX = (97.2, 5.5, 105.8, 20.6)
MAX_POINTS = 20_000
MAX_CHARS = 2_000_000


def _polygons(geometry):
    """The polygons of a Polygon, a MultiPolygon, a Feature of one, or a FeatureCollection of such
    Features — nothing nested deeper, so that no input can make the check recurse."""
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind == "FeatureCollection":
        features = geometry.get("features")
        if not isinstance(features, list) or not features:
            raise ValidationError(_("The GeoJSON has no features."))
        return [polygon for feature in features for polygon in _feature_polygons(feature)]
    if kind == "Feature":
        return _feature_polygons(geometry)
    return _geometry_polygons(geometry)


def _feature_polygons(feature):
    if not (isinstance(feature, dict) and feature.get("type") == "Feature"):
        raise ValidationError(_("Each feature of the collection must be a GeoJSON Feature."))
    return _geometry_polygons(feature.get("geometry"))


def _geometry_polygons(geometry):
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind == "Polygon":
        return [geometry.get("coordinates")]
    if kind == "MultiPolygon":
        coordinates = geometry.get("coordinates")
        if not isinstance(coordinates, list) or not coordinates:
            raise ValidationError(_("The boundary must be a polygon."))
        return coordinates
    raise ValidationError(_("The boundary must be a GeoJSON Polygon or MultiPolygon."))


def _is_number(value):
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def validate_boundary(text: str) -> dict:
    """The parsed GeoJSON, or a ValidationError saying what is wrong with it."""
    if len(text) > MAX_CHARS:
        raise ValidationError(_("The boundary is too large (at most 2 MB of GeoJSON)."))
    try:
        geometry = json.loads(text)
    except RecursionError:
        raise ValidationError(_("The boundary is nested too deeply to be GeoJSON.")) from None
    except json.JSONDecodeError as exc:  # said in the reader's language, where it stops making sense
        message = _(
            "The boundary is not valid GeoJSON: it cannot be read from line %(line)s, character %(column)s."
        )
        raise ValidationError(message % {"line": exc.lineno, "column": exc.colno}) from None
    except ValueError:
        raise ValidationError(_("The boundary is not valid GeoJSON.")) from None
    min_lon, min_lat, max_lon, max_lat = THAILAND_BBOX
    points = 0
    for polygon in _polygons(geometry):
        if not isinstance(polygon, list) or not polygon:
            raise ValidationError(_("The boundary must be a polygon."))
        for ring in polygon:
            if not isinstance(ring, list) or len(ring) < 4:
                raise ValidationError(_("Each ring of the polygon needs at least four positions."))
            for position in ring:
                if not (
                    isinstance(position, list) and len(position) >= 2 and all(map(_is_number, position[:2]))
                ):
                    raise ValidationError(_("Each position must be [longitude, latitude] in numbers."))
                lon, lat = position[:2]
                if not (min_lon <= lon <= max_lon and min_lat <= lat <= max_lat):
                    raise ValidationError(
                        _(
                            "The position [%(lon)s, %(lat)s] lies outside Thailand (longitude, latitude order)."  # noqa: E501
                        )
                        % {"lon": lon, "lat": lat}
                    )
            if ring[0][:2] != ring[-1][:2]:
                raise ValidationError(_("Each ring of the polygon must end where it starts."))
            points += len(ring)
            if points <= MAX_POINTS and (crossing := _crossing(ring)):
                raise ValidationError(
                    _(
                        "The boundary crosses itself near [%(lon)s, %(lat)s]: draw its outline without "
                        "crossings."
                    )
                    % {"lon": f"{crossing[0]:.5f}", "lat": f"{crossing[1]:.5f}"}
                )
    if points > MAX_POINTS:
        raise ValidationError(_("The boundary has too many points (at most 20,000)."))
    return geometry


def _crossing(ring):
    """Where two edges of a closed ring cross (a bow-tie, an outline drawn over itself), or None. Edges
    are sorted into a grid of about √n × √n cells by their extent, and only edges sharing a cell are
    compared, so that a ring of many points costs about as much as it has edges."""
    points = [(float(p[0]), float(p[1])) for p in ring]
    edges = list(itertools.pairwise(points))
    count = len(edges)
    if count < 4:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    west, south = min(xs), min(ys)
    cells = max(1, math.isqrt(count))
    width = (max(xs) - west) / cells or 1.0
    height = (max(ys) - south) / cells or 1.0
    grid = {}
    for index, (a, b) in enumerate(edges):
        x0, x1 = sorted((int((a[0] - west) / width), int((b[0] - west) / width)))
        y0, y1 = sorted((int((a[1] - south) / height), int((b[1] - south) / height)))
        for cx in range(x0, x1 + 1):
            for cy in range(y0, y1 + 1):
                grid.setdefault((cx, cy), []).append(index)
    for members in grid.values():
        for n, i in enumerate(members):
            for j in members[n + 1 :]:
                if abs(i - j) in (1, count - 1):  # neighbours share a corner
                    continue
                if point := _cross_point(*edges[i], *edges[j]):
                    return point
    return None


def _cross_point(a, b, c, d):
    """Where segments a–b and c–d cross (strictly, not merely touching), or None."""

    def side(p, q, r):
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    d1, d2, d3, d4 = side(c, d, a), side(c, d, b), side(a, b, c), side(a, b, d)
    if ((d1 > 0 > d2) or (d1 < 0 < d2)) and ((d3 > 0 > d4) or (d3 < 0 < d4)):
        t = d1 / (d1 - d2)
        return (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))
    return None


def outline(text, *, size=240):
    """The boundary drawn as one SVG path in a ``size`` × ``size`` box (north up; longitudes shortened by
    the cosine of the middle latitude, so that the shape keeps its proportions), for reviewers to see
    the area at a glance. ``None`` when there is no valid boundary."""
    try:
        polygons = _polygons(validate_boundary(text)) if text and text.strip() else []
    except ValidationError:
        return None
    rings = [ring for polygon in polygons for ring in polygon]
    if not rings:
        return None
    lons = [p[0] for ring in rings for p in ring]
    lats = [p[1] for ring in rings for p in ring]
    shrink = math.cos(math.radians((min(lats) + max(lats)) / 2))
    width, height = (max(lons) - min(lons)) * shrink, max(lats) - min(lats)
    scale = (size - 8) / max(width, height, 1e-9)
    left, top = 4 + (size - 8 - width * scale) / 2, 4 + (size - 8 - height * scale) / 2  # centred

    def point(position):
        x = left + (position[0] - min(lons)) * shrink * scale
        y = top + (max(lats) - position[1]) * scale
        return f"{x:.1f} {y:.1f}"

    path = " ".join("M" + " L".join(point(p) for p in ring) + " Z" for ring in rings)
    return {"size": size, "path": path, "points": len(lons)}


def boundary_rings(text):
    """Every ring of a valid boundary (outer and holes), or [] when there is none or it is not valid."""
    try:
        return [ring for polygon in _polygons(validate_boundary(text)) for ring in polygon] if text else []
    except ValidationError:
        return []


def boundary_from_file(uploaded) -> str:
    """The GeoJSON text of an uploaded boundary file — GeoJSON as it is, KML turned into a MultiPolygon
    of its polygons — checked by ``validate_boundary``; a ValidationError says what is wrong.

    The file is read up to MAX_CHARS bytes and no further. KML is parsed by defusedxml, which refuses
    document types, entities and external references, so a file cannot make the parser fetch anything
    or expand into more than it is."""
    raw = uploaded.read(MAX_CHARS + 1)
    if len(raw) > MAX_CHARS:
        raise ValidationError(_("The boundary is too large (at most 2 MB of GeoJSON)."))
    if raw[:2] == b"PK":
        raise ValidationError(_("This is a KMZ (zipped) file: unzip it and upload the KML file inside."))
    try:
        text = raw.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        raise ValidationError(_("The file is not a GeoJSON or KML text file (UTF-8).")) from None
    if text.startswith("<"):
        text = json.dumps(_kml_geometry(text))
    elif not text.startswith("{"):
        raise ValidationError(_("The file is not a GeoJSON or KML text file (UTF-8)."))
    validate_boundary(text)
    return text


def _local(tag):
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _kml_ring(element):
    """The positions of a KML LinearRing's ``coordinates`` ("lon,lat[,alt] lon,lat …")."""
    for child in element.iter():
        if _local(child.tag) == "coordinates":
            ring = []
            for triple in (child.text or "").split():
                parts = triple.split(",")
                try:
                    ring.append([float(parts[0]), float(parts[1])])
                except (IndexError, ValueError):
                    raise ValidationError(_("The KML file has coordinates that are not numbers.")) from None
                if len(ring) > MAX_POINTS:
                    raise ValidationError(_("The boundary has too many points (at most 20,000)."))
            return ring
    return []


def _kml_geometry(text):
    """A GeoJSON MultiPolygon of every Polygon of a KML document (outer ring first, then its holes)."""
    try:
        root = parse_xml(text, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException, ValueError):
        raise ValidationError(_("The KML file cannot be read: it is not well-formed XML.")) from None
    if _local(root.tag) != "kml":
        raise ValidationError(_("The file is not a GeoJSON or KML text file (UTF-8)."))
    polygons = []
    for element in root.iter():
        if _local(element.tag) != "Polygon":
            continue
        outer, holes = [], []
        for part in element:
            for ring in part.iter():
                if _local(ring.tag) == "LinearRing":
                    (outer if _local(part.tag) == "outerBoundaryIs" else holes).append(_kml_ring(ring))
        if outer and outer[0]:
            polygons.append([outer[0], *(hole for hole in holes if hole)])
    if not polygons:
        raise ValidationError(
            _("The KML file has no polygon: draw the area as a polygon and export it again.")
        )
    return {"type": "MultiPolygon", "coordinates": polygons}
