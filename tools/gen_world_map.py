#!/usr/bin/python3
"""Writes src/runtime/real/dashboard/world.svg, the dashboard's map: the
countries of Natural Earth's 1:110m dataset (public domain), as shipped in
Debian's python3-geopandas, in an equirectangular projection (x = longitude +
180, y = 90 - latitude, in degrees) so the page can place a region at its
coordinates without a projection library. Run by hand when the map should
change; needs Debian's python3-pyshp and the shapefile (an apt-get download
python3-geopandas and dpkg -x is enough; the package need not be installed).

    tools/gen_world_map.py [SHAPEFILE]
"""
import pathlib
import sys

import shapefile  # Debian: python3-pyshp

DEFAULT = ("/usr/lib/python3/dist-packages/geopandas/datasets/"
           "naturalearth_lowres/naturalearth_lowres.shp")
OUT = pathlib.Path(__file__).resolve().parent.parent / "src/runtime/real/dashboard/world.svg"


def ring_path(points):
    out, last = [], None
    for lon, lat in points:
        p = (round((lon + 180) * 2) / 2, round((90 - lat) * 2) / 2)  # half a degree
        if p != last:
            out.append(f"{p[0]:g} {p[1]:g}")
            last = p
    return "M" + "L".join(out) + "Z" if len(out) > 2 else ""


def main():
    reader = shapefile.Reader(sys.argv[1] if len(sys.argv) > 1 else DEFAULT)
    paths = []
    for shape in reader.shapes():
        bounds = list(shape.parts) + [len(shape.points)]
        for a, b in zip(bounds, bounds[1:]):
            d = ring_path(shape.points[a:b])
            if d:
                paths.append(d)
    OUT.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 360 180">'
        "<!-- Natural Earth 1:110m countries (public domain); tools/gen_world_map.py -->"
        f'<path fill="#dde4ec" stroke="#b8c4d0" stroke-width="0.2" d="{"".join(paths)}"/></svg>\n')
    print(f"{OUT}: {OUT.stat().st_size} bytes, {len(paths)} rings")


if __name__ == "__main__":
    main()
