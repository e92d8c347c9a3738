"""The coverage map: TopoJSON decoding, the projection, the view and the SVG it draws."""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from importlib import resources
from itertools import pairwise

import pytest

from projreg.render import worldmap
from projreg.render.worldmap import (
    PALETTE,
    central_meridian,
    classes,
    countries,
    coverage_svg,
    decode_arcs,
    equal_earth,
    fit_view,
    polygons,
    ring,
    unwrap,
    view_for,
)

SVG = "{http://www.w3.org/2000/svg}"
# fmt: off
EU = [
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
]
# fmt: on
DIRECT = dict(AZ=4, AM=2, GE=2, BY=1, MD=1, UA=1, KZ=1, KG=1, TJ=1, TM=1, UZ=1)
VIA_ONLY = ["RU", "TR", "RS", "XK", "AL", "BA", "ME", "MK", *EU]
# The registry's coverage: direct projects, and the Eastern Partnership's regional ones.
SAMPLE = {c: (0, 2) for c in VIA_ONLY} | {
    c: (n, 2 if c in {"AZ", "AM", "GE", "BY", "MD", "UA"} else 0) for c, n in DIRECT.items()
}


def draw(counts=SAMPLE, **kw):
    kw.setdefault("title", "Project coverage by country")
    kw.setdefault("description", "Projects per country, direct and via a region.")
    return coverage_svg(counts, **kw)


def shaded(svg: str) -> dict[str, ET.Element]:
    """The shaded country paths of a map, by their code."""
    return {
        p.get("data-code"): p for p in ET.fromstring(svg).iter(f"{SVG}path") if p.get("data-code")
    }


# --- TopoJSON ----------------------------------------------------------------

# Two arcs round the square (10, 20)-(11, 22): scale (0.5, 2), translate (10, 20).
TINY = {
    "type": "Topology",
    "transform": {"scale": [0.5, 2], "translate": [10, 20]},
    "arcs": [[[0, 0], [2, 0], [0, 1]], [[2, 1], [-2, 0], [0, -1]]],
}


def test_decode_quantised_arcs_by_hand():
    assert decode_arcs(TINY) == [
        [(10, 20), (11, 20), (11, 22)],
        [(11, 22), (10, 22), (10, 20)],
    ]


def test_decode_unquantised_arcs_are_absolute():
    assert decode_arcs({"arcs": [[[1.5, 2.5], [3, 4]]]}) == [[(1.5, 2.5), (3, 4)]]


def test_rings_join_arcs_once_and_reverse_negative_indices():
    arcs = decode_arcs(TINY)
    square = [(10, 20), (11, 20), (11, 22), (10, 22), (10, 20)]
    assert ring(arcs, [0, 1]) == square
    assert ring(arcs, [~1, ~0]) == square[::-1]  # ~i is arc i backwards


def test_polygon_and_multipolygon_geometries():
    arcs = decode_arcs(TINY)
    one = polygons(arcs, {"type": "Polygon", "arcs": [[0, 1]]})
    many = polygons(arcs, {"type": "MultiPolygon", "arcs": [[[0, 1]], [[~1, ~0]]]})
    assert len(one) == 1 and len(many) == 2 and many[0] == one[0]
    assert polygons(arcs, {"type": "Point", "coordinates": [0, 0]}) == []


def test_decoded_atlas_matches_its_own_bbox():
    text = resources.files("projreg").joinpath("data/countries-110m.json").read_text("utf-8")
    topology = json.loads(text)
    points = [p for arc in decode_arcs(topology) for p in arc]
    west, south, east, north = topology["bbox"]
    assert min(x for x, _ in points) == pytest.approx(west, abs=1e-6)
    assert max(x for x, _ in points) == pytest.approx(east, abs=1e-6)
    assert min(y for _, y in points) == pytest.approx(south, abs=1e-6)
    assert max(y for _, y in points) == pytest.approx(north, abs=1e-6)


def test_atlas_codes():
    codes = [c.code for c in countries() if c.code]
    assert len(codes) == len(set(codes)) == len(countries()) - 2
    by_code = {c.code: c for c in countries()}
    assert {c.name for c in countries() if c.code is None} == {"N. Cyprus", "Somaliland"}
    assert by_code["XK"].name == "Kosovo" and by_code["GE"].name == "Georgia"
    assert set(SAMPLE) - set(by_code) == {"MT"}  # Malta is too small for 1:110m


def test_georgia_lies_where_it_should():
    points = [p for poly in {c.code: c for c in countries()}["GE"].polygons for p in poly[0]]
    # Its west coast reaches 39.95° in the 1:110m generalisation.
    assert all(39.9 <= lon <= 47 and 41 <= lat <= 44 for lon, lat in points)


def test_no_edge_of_a_drawn_ring_crosses_half_the_globe():
    for country in countries():
        for polygon in country.polygons:
            for r in polygon:
                for (lon0, lat0), (lon1, lat1) in pairwise(r):
                    along_a_pole = abs(lat0) == abs(lat1) == 90  # Antarctica's closing edge
                    assert abs(lon1 - lon0) <= 180 or along_a_pole, country.name


def test_unwrap_across_the_antimeridian_and_round_a_pole():
    across = [(170, 0), (-170, 0), (-170, 10), (170, 10), (170, 0)]
    assert unwrap(across) == [(170, 0), (190, 0), (190, 10), (170, 10), (170, 0)]
    polar = [(0, -80), (120, -80), (-120, -80), (0, -80)]
    assert unwrap(polar) == [(0, -80), (120, -80), (240, -80), (360, -80), (360, -90), (0, -90)]


# --- Projection and view -----------------------------------------------------


def test_equal_earth_known_points():
    assert equal_earth(0, 0) == (0, 0)
    assert equal_earth(45, 0, lon0=45) == (0, 0)
    x, y = equal_earth(180, 0)
    assert x == pytest.approx(math.pi / (math.sqrt(3) / 2 * 1.340264)) and y == 0
    assert equal_earth(0, 90)[1] == pytest.approx(1.3173, abs=1e-4)
    assert equal_earth(-30, -50) == pytest.approx(tuple(-v for v in equal_earth(30, 50)))


def test_equal_earth_is_monotonic():
    grid = range(-180, 181, 15)
    for lat in range(-85, 86, 5):
        xs = [equal_earth(lon, lat)[0] for lon in grid]
        assert xs == sorted(xs) and len(set(xs)) == len(xs)
    for lon in grid:
        ys = [equal_earth(lon, lat)[1] for lat in range(-90, 91, 5)]
        assert ys == sorted(ys) and len(set(ys)) == len(ys)


def test_a_view_centres_its_points_and_keeps_them_inside():
    view = fit_view([(-10, -10), (10, 10)])
    assert view.pixel(0, 0) == pytest.approx((worldmap.WIDTH / 2, view.height / 2))
    for lon, lat in [(-10, -10), (10, 10), (-10, 10), (10, -10)]:
        x, y = view.pixel(lon, lat)
        assert 0 < x < worldmap.WIDTH and 0 < y < view.height
    assert view.pixel(-10, 0)[0] < view.pixel(10, 0)[0]  # east is right
    assert view.pixel(0, 10)[1] < view.pixel(0, -10)[1]  # north is up


def test_central_meridian_takes_the_short_way_round():
    assert central_meridian([10, 20]) == 15
    assert central_meridian([5]) == 5
    assert abs(central_meridian([170, -170])) == 180
    assert central_meridian([-120, 170, 178]) == pytest.approx(-155)  # 170 to 240, not -120 to 178


def inside(view, lon, lat):
    x, y = view.pixel(lon, lat)
    return 0 <= x <= worldmap.WIDTH and 0 <= y <= view.height


def test_the_sample_view_runs_from_europe_to_central_asia():
    view = view_for(SAMPLE)
    for lon, lat in [(-9.1, 38.7), (76.9, 43.2), (44.8, 41.7), (25.0, 60.2), (13.4, 52.5)]:
        assert inside(view, lon, lat)  # Lisbon, Almaty, Tbilisi, Helsinki, Berlin
    for lon, lat in [(-74.0, 40.7), (116.4, 39.9), (31.2, 30.0 - 20)]:
        assert not inside(view, lon, lat)  # New York, Beijing, Sudan


def test_a_small_country_gets_context_and_no_counts_get_the_world():
    armenia = view_for({"AM"})
    assert inside(armenia, 44.5, 40.2) and inside(armenia, 41.0, 41.0)  # Yerevan, Turkey
    world = view_for(set())
    for lon, lat in [(-74.0, 40.7), (116.4, 39.9), (151.2, -33.9), (-58.4, -34.6)]:
        assert inside(world, lon, lat)


def test_classes_cover_every_count_once():
    assert classes(0) == []
    assert classes(3) == [(1, 1), (2, 2), (3, 3)]
    for top in range(1, 500):
        found = classes(top)
        assert 1 <= len(found) <= len(PALETTE)
        assert found[0][0] == 1 and found[-1][1] == top
        assert all(lo <= hi for lo, hi in found)
        assert all(b[0] == a[1] + 1 for a, b in pairwise(found))


def _drawn_as_view_pixel_draws(view, ring) -> str:
    """The path of one ring drawn point by point with View.pixel (what the map drew before
    it kept the latitudes' terms and skipped the rings out of view): the reference."""
    turns = 360 * round((sum(lon for lon, _ in ring) / len(ring) - view.lon0) / 360)
    points = [view.pixel(lon - turns, lat) for lon, lat in ring]
    xs, ys = [x for x, _ in points], [y for _, y in points]
    if max(xs) < 0 or min(xs) > worldmap.WIDTH or max(ys) < 0 or min(ys) > view.height:
        return ""
    out: list[str] = []
    for x, y in points:
        p = f"{round(x, 1) + 0.0:.1f} {round(y, 1) + 0.0:.1f}"
        if not out or out[-1] != p:
            out.append(p)
    return "M" + "L".join(out) + "Z" if len(out) > 2 else ""


@pytest.mark.parametrize(
    "codes",
    [set(SAMPLE), {"FJ"}, {"RU"}, {"AM"}],
    ids=["sample", "fiji", "russia", "armenia"],
)
def test_every_ring_is_drawn_as_view_pixel_draws_it_and_only_rings_out_of_view_are_skipped(
    codes,
):
    view = view_for(codes)
    rings = worldmap._atlas_rings()
    for country, kept in zip(countries(), rings, strict=True):
        everyone = [r for polygon in country.polygons for r in polygon]
        assert len(kept) == len(everyone)
        for points, terms in zip(everyone, kept, strict=True):
            assert worldmap._path(view, [terms]) == _drawn_as_view_pixel_draws(view, points)


def test_a_ring_is_skipped_only_when_none_of_it_is_in_view():
    """The bounds a ring is skipped by hold all its points: triangles wide at one latitude
    and narrow at another, slid across the edges of a small view."""
    view = view_for({"AM"})
    for west in range(-60, 150, 3):
        for wide, narrow in ((0, 70), (70, 0), (-30, 50), (38, 44), (-85, 85)):
            for points in (
                [(west, wide), (west + 25, wide), (west, narrow)],
                [(west, wide), (west + 25, wide), (west + 25, narrow)],
            ):
                terms = worldmap._ring_terms(points)
                assert worldmap._path(view, [terms]) == _drawn_as_view_pixel_draws(view, points)


# --- The SVG -----------------------------------------------------------------


def test_svg_is_a_standalone_accessible_document():
    svg = draw()
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.get("width") and root.get("height")
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert root[0].tag == f"{SVG}title" and root[0].text == "Project coverage by country"
    assert root[1].tag == f"{SVG}desc" and root[1].text.startswith("Projects per country")
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "Country shapes: Natural Earth" in texts
    assert "Covered only via a region" in texts and "No projects" in texts
    assert "Malta" in texts  # listed as not on the map
    assert "<script" not in svg and "href" not in svg and "@import" not in svg
    assert svg.count("http") == 1  # the namespace, nothing fetched
    assert 'font-family="system-ui, sans-serif"' in svg


def test_each_counted_country_has_a_titled_path():
    paths = shaded(draw(names={"MD": "Moldova"}))
    assert set(paths) == set(SAMPLE) - {"MT"}
    title = {code: p.find(f"{SVG}title").text for code, p in paths.items()}
    assert title["GE"] == "Georgia: 2 direct, 2 via a region"
    assert title["MD"] == "Moldova: 1 direct, 2 via a region"
    assert title["KZ"] == "Kazakhstan: 1 direct, 0 via a region"
    assert title["XK"] == "Kosovo: 0 direct, 2 via a region"


def test_direct_and_via_only_are_shaded_apart():
    paths = shaded(draw())
    fills = {code: p.get("fill") for code, p in paths.items()}
    assert {fills[c] for c in VIA_ONLY if c != "MT"} == {"url(#via)"}
    assert all(fills[c] in PALETTE for c in DIRECT)
    assert fills["AZ"] == PALETTE[-1]  # the most projects: the darkest
    assert fills["KZ"] != fills["AZ"]
    grey = [p for p in ET.fromstring(draw()).iter(f"{SVG}path") if not p.get("data-code")]
    assert grey and {p.get("fill") for p in grey} == {worldmap.NONE_FILL}


def test_hostile_text_is_escaped():
    hostile = "<script>alert(1)</script>"
    svg = draw(
        {"GE": (1, 0)},
        title='Map & "friends" \x01',
        description=hostile,
        names={"GE": hostile},
    )
    assert hostile not in svg
    root = ET.fromstring(svg)
    assert not list(root.iter(f"{SVG}script"))
    assert root[0].text == 'Map & "friends" ' and root[1].text == hostile
    assert shaded(svg)["GE"].find(f"{SVG}title").text == f"{hostile}: 1 direct, 0 via a region"


def test_output_is_deterministic_and_small():
    first = draw()
    assert draw() == first
    assert len(first.encode()) < 150_000
    assert len(draw({}).encode()) < 150_000  # even the whole world


def test_zero_counts_and_lower_case_codes():
    paths = shaded(draw({"ge": (1, 1), "AM": (0, 0)}))
    assert set(paths) == {"GE"}


def test_codes_the_atlas_lacks_are_listed_not_drawn():
    svg = draw({"MT": (1, 0), "ZZ": (0, 1), " ": (1, 0), "GE": (1, 0)})
    assert set(shaded(svg)) == {"GE"}
    texts = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]
    assert "Not drawn (too small for this map, or unknown): Malta, ZZ" in texts
