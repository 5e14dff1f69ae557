"""Makes cities/data/provinces.geojson, the province shapes the registry's map draws, from a GeoJSON of
Thailand's first-level units (OCHA's COD-AB ``tha_admbnda_adm1``, geoBoundaries' ADM1, or any file whose
features carry an ISO 3166-2 code in ``ADM1_PCODE`` as ``TH10`` or in ``shapeISO`` as ``TH-10``).

    python scripts/simplify_provinces.py SOURCE.geojson [--tolerance 0.01] [--decimals 3] [-o OUT]

Each ring is simplified (Douglas-Peucker, tolerance in degrees; 0 keeps every point), rounded to
``decimals`` places (3 places is about 110 m, far below a pixel of the map) with repeated points dropped,
and only the ISO code is kept of the properties. The output is checked: 77 features, one per code.
"""

import argparse
import json
import math
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "cities" / "data" / "provinces.geojson"


def iso_code(properties):
    if properties.get("shapeISO"):
        return properties["shapeISO"]
    pcode = properties["ADM1_PCODE"]  # "TH10"
    return f"{pcode[:2]}-{pcode[2:]}"


def _distance(point, start, end):
    (x, y), (x1, y1), (x2, y2) = point, start, end
    if (x1, y1) == (x2, y2):
        return math.hypot(x - x1, y - y1)
    return abs((x2 - x1) * (y1 - y) - (x1 - x) * (y2 - y1)) / math.hypot(x2 - x1, y2 - y1)


def douglas_peucker(points, tolerance):
    if tolerance <= 0 or len(points) < 3:
        return points
    index, farthest = 0, 0.0
    for i in range(1, len(points) - 1):
        d = _distance(points[i], points[0], points[-1])
        if d > farthest:
            index, farthest = i, d
    if farthest <= tolerance:
        return [points[0], points[-1]]
    return douglas_peucker(points[: index + 1], tolerance)[:-1] + douglas_peucker(points[index:], tolerance)


def simplify_ring(ring, tolerance, decimals):
    simplified = douglas_peucker([tuple(p[:2]) for p in ring], tolerance)
    rounded = []
    for x, y in simplified:
        point = [round(x, decimals), round(y, decimals)]
        if not rounded or rounded[-1] != point:
            rounded.append(point)
    if rounded[0] != rounded[-1]:
        rounded.append(rounded[0])
    return rounded if len(rounded) >= 4 else None  # a ring needs three corners


def simplify(collection, tolerance, decimals):
    features = []
    for feature in collection["features"]:
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        kept = []
        for polygon in polygons:
            rings = [simplify_ring(ring, tolerance, decimals) for ring in polygon]
            if rings[0] is not None:  # an outer ring too small to keep takes its holes with it
                kept.append([ring for ring in rings if ring is not None])
        if len(kept) == 1:
            geometry = {"type": "Polygon", "coordinates": kept[0]}
        else:
            geometry = {"type": "MultiPolygon", "coordinates": kept}
        features.append(
            {
                "type": "Feature",
                "properties": {"iso_code": iso_code(feature["properties"])},
                "geometry": geometry,
            }
        )
    features.sort(key=lambda f: f["properties"]["iso_code"])
    codes = [f["properties"]["iso_code"] for f in features]
    if len(codes) != 77 or len(set(codes)) != 77:
        raise SystemExit(
            f"expected 77 provinces with distinct codes, got {len(codes)} ({len(set(codes))} distinct)"
        )
    return {"type": "FeatureCollection", "features": features}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("--tolerance", type=float, default=0.0, help="degrees; 0 keeps every point")
    parser.add_argument("--decimals", type=int, default=3)
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    args = parser.parse_args(argv)
    result = simplify(json.loads(args.source.read_text(encoding="utf-8")), args.tolerance, args.decimals)
    lines = ",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in result["features"])
    args.output.write_text('{"type":"FeatureCollection","features":[\n' + lines + "\n]}\n", encoding="utf-8")
    print(
        f"{args.output}: {len(result['features'])} provinces, {args.output.stat().st_size} bytes",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
