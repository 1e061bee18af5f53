"""Build Peru's regions map (SVG) and the regions/provinces tables from ../shared/data/geo.

Run from the repository root: ``python tools/build_peru_map.py [GEO_FOLDER]``. Writes

- ``src/asamblea/web/static/map/peru-regions.svg``: the 25 regions (departamentos), projected
  (equirectangular, longitudes scaled by the cosine of Peru's middle latitude — at this size it
  is indistinguishable from a conic projection), simplified with Ramer–Douglas–Peucker at about
  one pixel of a 360-px-wide phone, integer coordinates, relative path commands. Each region is
  ``<a href="?region=CODE"><path id="rCODE" .../></a>``, CODE its INEI ubigeo, so the map works
  inlined in a page without JavaScript.
- ``src/asamblea/data/peru/regions.csv`` and ``provinces.csv``: INEI codes and names for forms.

Only NumPy (already a dependency) is used: the polygons are few and small, so a 30-line RDP is
enough and no GIS library is needed. Shared borders are simplified once per ring, so neighbours
may differ by under a pixel; the stroke covers it.
"""

from __future__ import annotations

import csv
import json
import shutil
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
GEO = ROOT.parent / "shared" / "data" / "geo"
SVG_OUT = ROOT / "src/asamblea/web/static/map/peru-regions.svg"
DATA_OUT = ROOT / "src/asamblea/data/peru"
WIDTH = 480  # viewBox units across; the page scales it to the screen
EPSILON = 1.1  # RDP tolerance in viewBox units

#: Region names with their accents (the source has capitals without them).
REGION_NAMES = {
    "01": "Amazonas", "02": "Áncash", "03": "Apurímac", "04": "Arequipa", "05": "Ayacucho",
    "06": "Cajamarca", "07": "Callao", "08": "Cusco", "09": "Huancavelica", "10": "Huánuco",
    "11": "Ica", "12": "Junín", "13": "La Libertad", "14": "Lambayeque", "15": "Lima",
    "16": "Loreto", "17": "Madre de Dios", "18": "Moquegua", "19": "Pasco", "20": "Piura",
    "21": "Puno", "22": "San Martín", "23": "Tacna", "24": "Tumbes", "25": "Ucayali",
}  # fmt: skip
#: Provinces created after the 2007 boundaries the source draws (INEI code: region, name).
LATER_PROVINCES = {"1608": "Putumayo"}  # Ley 30186, 2014, split from Maynas (Loreto)
SMALL_WORDS = {"DE", "DEL", "LA", "LAS", "LOS", "Y"}


def rdp(points: np.ndarray, epsilon: float) -> np.ndarray:
    """Ramer–Douglas–Peucker on an open polyline (iterative, NumPy distances)."""
    keep = np.zeros(len(points), dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        if last - first < 2:
            continue
        a, b = points[first], points[last]
        segment = points[first + 1 : last]
        d = b - a
        norm = float(np.hypot(*d))
        if norm == 0:
            dist = np.hypot(*(segment - a).T)
        else:
            dist = np.abs(d[0] * (segment[:, 1] - a[1]) - d[1] * (segment[:, 0] - a[0])) / norm
        i = int(np.argmax(dist))
        if dist[i] > epsilon:
            mid = first + 1 + i
            keep[mid] = True
            stack += [(first, mid), (mid, last)]
    return points[keep]


def rings(geometry: dict[str, object]) -> list[np.ndarray]:
    """The outer rings of a Polygon or MultiPolygon (the source has no holes that matter)."""
    coords = geometry["coordinates"]
    polygons = [coords] if geometry["type"] == "Polygon" else coords
    return [np.array(polygon[0], dtype=float) for polygon in polygons]  # type: ignore[index]


def path_data(ring: np.ndarray) -> str:
    """Relative SVG path commands for an integer ring."""
    steps = np.diff(ring, axis=0)
    steps = steps[(steps != 0).any(axis=1)]
    moves = " ".join(f"{int(dx)} {int(dy)}" for dx, dy in steps)
    return f"M{int(ring[0][0])} {int(ring[0][1])}l{moves}z"


def build_svg(features: list[dict[str, object]]) -> str:
    all_points = np.vstack([r for f in features for r in rings(f["geometry"])])  # type: ignore[arg-type]
    lon0, lat0 = all_points[:, 0].min(), all_points[:, 1].max()
    kx = np.cos(np.radians(all_points[:, 1].mean()))
    scale = WIDTH / ((all_points[:, 0].max() - lon0) * kx)
    height = int(np.ceil((lat0 - all_points[:, 1].min()) * scale))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        'role="group" aria-labelledby="peru-map-title" '
        'fill="#d9d9d9" stroke="#fff" stroke-width="1.2">',  # attributes, not CSS: pages' CSP
        '<title id="peru-map-title">Perú: regiones</title>',
    ]
    for feature in sorted(features, key=lambda f: f["properties"]["FIRST_IDDP"]):  # type: ignore[index]
        code = feature["properties"]["FIRST_IDDP"]  # type: ignore[index]
        paths = []
        for ring in rings(feature["geometry"]):  # type: ignore[arg-type]
            xy = np.column_stack(((ring[:, 0] - lon0) * kx * scale, (lat0 - ring[:, 1]) * scale))
            simple = np.rint(rdp(xy, EPSILON))
            if len(simple) >= 4:
                paths.append(path_data(simple))
        name = REGION_NAMES[code]
        out.append(
            f'<a href="?region={code}" aria-label="{name}"><path id="r{code}" '
            f'd="{"".join(paths)}"><title>{name}</title></path></a>'
        )
    out.append("</svg>\n")
    return "\n".join(out)


def province_name(raw: str) -> str:
    words = raw.split()
    return " ".join(
        w.lower() if i and w in SMALL_WORDS else w.capitalize() for i, w in enumerate(words)
    )


def write_tables(provinces: list[dict[str, object]]) -> None:
    DATA_OUT.mkdir(parents=True, exist_ok=True)
    with (DATA_OUT / "regions.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "name"])
        writer.writerows(sorted(REGION_NAMES.items()))
    # The source splits two provinces in two features each, one misspelt (PUIRA, VICTOR
    # FAFARDO): keep, per code, the name of the feature made of more districts (COUNT).
    best: dict[str, tuple[int, str]] = {}
    for feature in provinces:
        props = feature["properties"]
        code, count = props["FIRST_IDPR"], int(props["COUNT"])  # type: ignore[index]
        if code not in best or count > best[code][0]:
            best[code] = (count, props["NOMBPROV"])  # type: ignore[index]
    best.update({code: (0, name.upper()) for code, name in LATER_PROVINCES.items()})
    with (DATA_OUT / "provinces.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "region", "name"])
        for code in sorted(best):
            writer.writerow([code, code[:2], province_name(best[code][1])])


def main(geo: Path) -> None:
    regions = json.loads((geo / "peru_departamental_simple.geojson").read_text("utf-8"))
    provinces = json.loads((geo / "peru_provincial_simple.geojson").read_text("utf-8"))
    SVG_OUT.parent.mkdir(parents=True, exist_ok=True)
    SVG_OUT.write_text(build_svg(regions["features"]), encoding="utf-8")
    shutil.copyfile(geo / "LICENSE-peru-geojson", SVG_OUT.parent / "LICENSE-peru-geojson")
    write_tables(provinces["features"])
    shutil.copyfile(geo / "LICENSE-peru-geojson", DATA_OUT / "LICENSE-peru-geojson")
    print(f"{SVG_OUT.relative_to(ROOT)}: {SVG_OUT.stat().st_size} bytes")  # noqa: T201 - a build script reports


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else GEO)
