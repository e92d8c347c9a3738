"""Drawing a choropleth of countries as a standalone SVG document.

This module owns the coverage map: it reads the Natural Earth 1:110m country
shapes shipped in ``data/countries-110m.json`` (the world-atlas TopoJSON, see
``data/world-atlas-NOTICE.md``), decodes the TopoJSON, projects it with the
Equal Earth projection, crops the view to the countries that have counts and
shades them. It knows nothing else of projreg: callers hand it counts per ISO
3166-1 alpha-2 code and get SVG text back. The same input gives the same bytes.
"""

from __future__ import annotations

import json
import math
import textwrap
from collections.abc import Collection, Iterable, Mapping, Sequence
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import NamedTuple
from xml.sax.saxutils import escape, quoteattr

import pycountry

from projreg.model.text import NOT_XML

Point = tuple[float, float]
Ring = list[Point]
Polygon = list[Ring]  # outer ring first, then holes

# Countries world-atlas gives no ISO numeric id, by their name property. The
# others without one (N. Cyprus, Somaliland) stay unshaded.
_UNNUMBERED = {"Kosovo": "XK"}

# ColorBrewer Blues (single hue: colour-blind safe, prints in grey), light to dark.
PALETTE = ("#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08306b")
VIA_FILL, VIA_STRIPE = "#deebf7", "#9ecae1"  # hatched: covered only via a region
NONE_FILL = "#d9d9d9"

WIDTH = 960  # pixels; the height follows from the view
_FONT = "system-ui, sans-serif"
_HUGE_SPAN = 100  # countries wider than this (degrees of longitude) add only their centre
_WORLD_EXCEPT = {"Antarctica"}


class Country(NamedTuple):
    code: str | None  # ISO 3166-1 alpha-2, None where the atlas has a shape without one
    name: str  # the atlas's own short name
    polygons: list[Polygon]


# --- TopoJSON ----------------------------------------------------------------


def decode_arcs(topology: Mapping) -> list[list[Point]]:
    """The arcs of a quantised TopoJSON topology as absolute (lon, lat) points.

    Quantised arcs store each point as a delta from the one before; the transform
    maps the integer grid to coordinates: x * scale + translate.
    """
    transform = topology.get("transform")
    (sx, sy), (tx, ty) = (
        (transform["scale"], transform["translate"]) if transform else ((1, 1), (0, 0))
    )
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            if transform:
                x, y = x + dx, y + dy
            else:
                x, y = dx, dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs: Sequence[list[Point]], indices: Iterable[int]) -> Ring:
    """Join arcs into a ring; index ~i (a negative number) is arc i reversed.

    Each arc starts where the previous one ended, so that shared point is kept once.
    """
    points: Ring = []
    for i in indices:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def polygons(arcs: Sequence[list[Point]], geometry: Mapping) -> list[Polygon]:
    """The polygons of a TopoJSON Polygon or MultiPolygon geometry (others: none)."""
    kind, arcs_of = str(geometry.get("type")), geometry.get("arcs") or []
    parts = {"Polygon": [arcs_of], "MultiPolygon": arcs_of}.get(kind)
    return [[ring(arcs, r) for r in polygon] for polygon in parts or []]


@cache
def countries() -> tuple[Country, ...]:
    """Every country shape in the shipped atlas, in the atlas's order."""
    text = resources.files("projreg").joinpath("data/countries-110m.json").read_text("utf-8")
    topology = json.loads(text)
    arcs = decode_arcs(topology)
    result = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        name = geometry.get("properties", {}).get("name", "")
        numeric = geometry.get("id")
        found = pycountry.countries.get(numeric=numeric) if numeric else None
        code = found.alpha_2 if found else _UNNUMBERED.get(name)
        shapes = [[unwrap(r) for r in polygon] for polygon in polygons(arcs, geometry)]
        result.append(Country(code, name, shapes))
    return tuple(result)


def unwrap(points: Ring) -> Ring:
    """A ring made continuous in longitude for drawing on a plane.

    Natural Earth rings that cross the antimeridian (Russia, Fiji) jump from 180 to
    -180; past such a jump the rest of the ring is shifted by 360° so that no edge
    streaks across the map. A ring that ends 360° from where it began goes round a
    pole (Antarctica): it is closed along that pole.
    """
    out = points[:1]
    shift = 0.0
    for (before, _), (lon, lat) in pairwise(points):
        if lon - before > 180:
            shift -= 360
        elif lon - before < -180:
            shift += 360
        out.append((lon + shift, lat))
    if shift:
        pole = math.copysign(90, sum(lat for _, lat in points))
        out += [(out[-1][0], pole), (out[0][0], pole)]
    return out


# --- Projection --------------------------------------------------------------

_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2


def equal_earth(lon: float, lat: float, lon0: float = 0.0) -> Point:
    """Equal Earth projection (Šavrič, Patterson, Jenny 2018) centred on meridian lon0.

    Degrees in, unit-sphere coordinates out, y pointing north. Longitudes are not
    wrapped, so a shape never tears across the far meridian; it runs off the side.
    """
    cos_theta, divisor, y = _latitude_terms(lat)
    return math.radians(lon - lon0) * cos_theta / divisor, y


def _latitude_terms(lat: float) -> tuple[float, float, float]:
    """What the projection of a point takes from its latitude alone: x is
    radians(lon - lon0) * cos_theta / divisor, y is y."""
    theta = math.asin(_M * math.sin(math.radians(lat)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    divisor = _M * (_A1 + 3 * _A2 * t2 + t6 * (7 * _A3 + 9 * _A4 * t2))
    return math.cos(theta), divisor, theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))


# --- The view ----------------------------------------------------------------


def _area_centroid(points: Ring) -> tuple[float, Point]:
    """Signed planar area and centroid of a ring (shoelace), in degrees."""
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        a, cx, cy = a + cross, cx + (x0 + x1) * cross, cy + (y0 + y1) * cross
    if not a:
        return 0.0, points[0]
    return a / 2, (cx / (3 * a), cy / (3 * a))


def _anchor_points(country: Country) -> Ring:
    """The points the view must show for a country: its main polygon's outline, or
    only its centre when the country spans a continent (Russia), so that one such
    country does not stretch the view across Asia."""
    main = max((p[0] for p in country.polygons), key=lambda r: abs(_area_centroid(r)[0]))
    lons = [lon for lon, _ in main]
    if max(lons) - min(lons) > _HUGE_SPAN:
        return [_area_centroid(main)[1]]
    return main


class View(NamedTuple):
    lon0: float  # central meridian
    x0: float  # projected left edge
    y1: float  # projected top edge
    scale: float  # pixels per projected unit
    height: float  # pixels of map

    def pixel(self, lon: float, lat: float) -> Point:
        x, y = equal_earth(lon, lat, self.lon0)
        return (x - self.x0) * self.scale, (self.y1 - y) * self.scale


def central_meridian(lons: Iterable[float]) -> float:
    """The meridian halfway across the narrowest band of longitudes holding them all,
    found opposite the widest empty gap round the globe (so Fiji and Alaska sit
    together across the antimeridian)."""
    ring = sorted({lon % 360 for lon in lons})
    gap, after = max((b - a, b) for a, b in zip(ring, [*ring[1:], ring[0] + 360], strict=True))
    return (after + (360 - gap) / 2 + 180) % 360 - 180


def fit_view(points: Sequence[Point], width: float = WIDTH, lon0: float | None = None) -> View:
    """A view of the given (lon, lat) points with a margin, at least about 50° of
    longitude by 25° of latitude for context, and an aspect ratio between 3:2 and 12:5."""
    if lon0 is None:
        lon0 = central_meridian(lon for lon, _ in points)
    projected = [equal_earth((lon - lon0 + 180) % 360 - 180, lat) for lon, lat in points]
    xs, ys = zip(*projected, strict=True)
    w = max(max(xs) - min(xs), 0.75) * 1.12
    h = max(max(ys) - min(ys), 0.4) * 1.12
    w, h = max(w, h * 1.5), max(h, w / 2.4)
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    scale = width / w
    return View(lon0, cx - w / 2, cy + h / 2, scale, h * scale)


def view_for(codes: Collection[str]) -> View:
    """The view of a map of these countries; the world (less Antarctica) if none is drawn."""
    shown = [c for c in countries() if c.code in codes]
    if shown:
        return fit_view([p for c in shown for p in _anchor_points(c)])
    world = [c for c in countries() if c.name not in _WORLD_EXCEPT]
    return fit_view([p for c in world for poly in c.polygons for p in poly[0]], lon0=0)


# --- Shading -----------------------------------------------------------------


def classes(top: int) -> list[tuple[int, int]]:
    """Up to five count classes (low, high) covering 1..top: single values up to 5,
    else geometric steps, so a few busy countries do not wash out the rest."""
    if top <= len(PALETTE):
        return [(n, n) for n in range(1, top + 1)]
    bounds: list[int] = []
    for i in range(1, len(PALETTE) + 1):
        bounds.append(max(math.ceil(top ** (i / len(PALETTE))), bounds[-1] + 1 if bounds else 1))
    bounds[-1] = top
    return [(lo + 1, hi) for lo, hi in zip([0, *bounds], bounds, strict=False)]


def class_colours(n: int) -> list[str]:
    """n colours from the palette, spread from light to dark."""
    if n <= 1:
        return list(PALETTE[2:3]) * n
    return [PALETTE[round(i * (len(PALETTE) - 1) / (n - 1))] for i in range(n)]


# --- SVG ---------------------------------------------------------------------


def _text(s: str) -> str:
    """Any text as XML character data: escaped, with the characters XML forbids dropped."""
    return escape(NOT_XML.sub("", s))


def _attr(s: str) -> str:
    return quoteattr(NOT_XML.sub("", s))


class _Ring(NamedTuple):
    """A ring of the atlas with what its projection takes from the latitudes, worked out
    once: a map then projects only the rings that may reach into its view."""

    lons: tuple[float, ...]
    terms: tuple[tuple[float, float, float], ...]  # _latitude_terms of each point
    mean_lon: float
    lon_range: tuple[float, float]
    k_range: tuple[float, float]  # of cos_theta / divisor: x is radians(lon - lon0) times it
    y_range: tuple[float, float]


@cache
def _atlas_rings() -> tuple[tuple[_Ring, ...], ...]:
    """The rings of each country of countries(), in its order."""
    return tuple(
        tuple(_ring_terms(r) for polygon in country.polygons for r in polygon)
        for country in countries()
    )


def _ring_terms(r: Ring) -> _Ring:
    lons = tuple(lon for lon, _ in r)
    terms = tuple(_latitude_terms(lat) for _, lat in r)
    ks = [c / d for c, d, _ in terms]
    ys = [y for _, _, y in terms]
    bounds = (min(lons), max(lons)), (min(ks), max(ks)), (min(ys), max(ys))
    return _Ring(lons, terms, sum(lons) / len(r), *bounds)


def _out_of_view(view: View, r: _Ring, turns: int) -> bool:
    """True when the ring surely lies outside the view: its projection is bounded by
    its longitudes, latitudes and latitude factors; a pixel's margin covers rounding."""
    lams = [math.radians(lon - turns - view.lon0) for lon in r.lon_range]
    xs = [lam * k for lam in lams for k in r.k_range]
    left, right = (min(xs) - view.x0) * view.scale, (max(xs) - view.x0) * view.scale
    top, bottom = (view.y1 - r.y_range[1]) * view.scale, (view.y1 - r.y_range[0]) * view.scale
    return right < -1 or left > WIDTH + 1 or bottom < -1 or top > view.height + 1


def _path(view: View, rings: Sequence[_Ring]) -> str:
    """SVG path data for the rings that reach into the view, at 0.1 px."""
    parts = []
    x0, y1, scale, lon0 = view.x0, view.y1, view.scale, view.lon0
    for r in rings:
        # Shift the ring by whole turns to the side of the globe the view faces.
        turns = 360 * round((r.mean_lon - lon0) / 360)
        if _out_of_view(view, r, turns):
            continue
        # As View.pixel(lon - turns, lat) for each point, from the latitudes' terms.
        pts = [
            ((math.radians(lon - turns - lon0) * c / d - x0) * scale, (y1 - y) * scale)
            for lon, (c, d, y) in zip(r.lons, r.terms, strict=True)
        ]
        xs, ys = [x for x, _ in pts], [y for _, y in pts]
        if max(xs) < 0 or min(xs) > WIDTH or max(ys) < 0 or min(ys) > view.height:
            continue
        out: list[str] = []
        for x, y in pts:
            p = f"{round(x, 1) + 0.0:.1f} {round(y, 1) + 0.0:.1f}"  # + 0.0: no "-0.0"
            if not out or out[-1] != p:
                out.append(p)
        if len(out) > 2:
            parts.append("M" + "L".join(out) + "Z")
    return "".join(parts)


def _display_name(code: str, atlas_name: str, names: Mapping[str, str] | None) -> str:
    if names and code in names:
        return names[code]
    found = pycountry.countries.get(alpha_2=code)
    if found:
        return getattr(found, "common_name", None) or found.name
    return atlas_name or code


def _swatch(x: float, y: float, fill: str, label: str) -> tuple[str, float]:
    """A legend swatch with its label; returns the SVG and the x after it."""
    svg = (
        f'<rect x="{x:g}" y="{y:g}" width="22" height="14" fill="{fill}" stroke="#888" '
        f'stroke-width="0.5"/><text x="{x + 28:g}" y="{y + 11.5:g}">{_text(label)}</text>'
    )
    return svg, x + 28 + 7.5 * len(label) + 18


def _legend(classes: list[tuple[tuple[int, int], str]], note: str) -> tuple[list[str], int]:
    """The legend's SVG lines and height: the count classes of countries with direct
    projects (if any), the hatch and the grey, then the note, wrapped."""
    out, y = [], 0
    if classes:
        heading = "Countries with direct projects, by number of projects (direct + via a region):"
        out.append(f'<text x="16" y="11.5">{_text(heading)}</text>')
        x = 16.0
        for (lo, hi), colour in classes:
            svg, x = _swatch(x, 20, colour, str(lo) if lo == hi else f"{lo}–{hi}")
            out.append(svg)
        y = 44
    x = 16.0
    for colour, label in (("url(#via)", "Covered only via a region"), (NONE_FILL, "No projects")):
        svg, x = _swatch(x, y, colour, label)
        out.append(svg)
    y += 14
    for line in textwrap.wrap(note, 105):
        y += 18
        out.append(f'<text x="16" y="{y}" fill="#555">{_text(line)}</text>')
    return out, y


def _by_name(code: str, names) -> tuple[str, str]:
    from projreg.model.text import fold

    return fold(_display_name(code, "", names)), code


def coverage_svg(
    counts: Mapping[str, tuple[int, int]],
    *,
    title: str,
    description: str,
    names: Mapping[str, str] | None = None,
) -> str:
    """counts: ISO 3166-1 alpha-2 code (e.g. 'GE', 'XK' for Kosovo) -> (direct, via_region)
    project counts. Returns a standalone, deterministic SVG document (same input -> same bytes).

    Countries with direct projects are shaded by their total (direct + via a region);
    countries covered only via a region are hatched; the rest are grey. The view is
    cropped to the countries with counts, or shows the world when there are none.
    """
    counts = {
        c.strip().upper(): (d, v) for c, (d, v) in counts.items() if c.strip() and (d > 0 or v > 0)
    }
    atlas = countries()
    drawn = {c.code for c in atlas if c.code}
    view = view_for(counts)
    top = max((d + v for d, v in counts.values() if d > 0), default=0)
    shades = list(zip(classes(top), class_colours(len(classes(top))), strict=True))
    # Listed by name, as a reader looks for them (not by ISO code).
    missing = sorted((c for c in counts if c not in drawn), key=lambda c: _by_name(c, names))
    note = "Not drawn (too small for this map, or unknown): " + ", ".join(
        _display_name(c, "", names) for c in missing
    )
    legend, legend_h = _legend(shades, note if missing else "")
    heading = textwrap.wrap(title, 80) or [""]
    head = 16 + 22 * len(heading)
    height = round(head + view.height + legend_h + 24)
    out = _svg_start(title, description, heading, height, f"{view.height:.1f}")
    out += _country_paths(atlas, view, counts, shades, names)
    out += ["</g>", f'<rect width="{WIDTH}" height="{view.height:.1f}" fill="none" stroke="#bbb"/>']
    out += ["</g>", f'<g transform="translate(0 {head + view.height + 14:.1f})">', *legend, "</g>"]
    out.append(
        f'<text x="{WIDTH - 12}" y="{height - 10}" text-anchor="end" font-size="11" '
        'fill="#666">Country shapes: Natural Earth</text>'
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _svg_start(title: str, description: str, heading: list[str], height: int, map_h: str):
    """The document's opening: title, description, the hatch pattern, the heading, and the
    map's group (left open)."""
    head = 16 + 22 * len(heading)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="map-title map-desc" '
        f'font-family="{_FONT}" font-size="13" fill="#222">',
        f'<title id="map-title">{_text(title)}</title>',
        f'<desc id="map-desc">{_text(description)}</desc>',
        "<defs>",
        '<pattern id="via" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">',
        f'<rect width="6" height="6" fill="{VIA_FILL}"/>'
        f'<rect width="2.5" height="6" fill="{VIA_STRIPE}"/>',
        "</pattern>",
        f'<clipPath id="map-frame"><rect width="{WIDTH}" height="{map_h}"/></clipPath>',
        "</defs>",
        f'<rect width="{WIDTH}" height="{height}" fill="#fff"/>',
        *(
            f'<text x="16" y="{27 + 22 * i}" font-size="18" font-weight="600">{_text(line)}</text>'
            for i, line in enumerate(heading)
        ),
        f'<g transform="translate(0 {head})">',
        '<g clip-path="url(#map-frame)" stroke="#fff" stroke-width="0.6" '
        'stroke-linejoin="round" fill-rule="evenodd">',
    ]


def _country_paths(atlas, view, counts, shades, names) -> list[str]:
    """One path per country in view: shaded by its total, hatched when covered only via a
    region (with a tooltip), grey without projects."""

    def fill(direct: int, via: int) -> str:
        if direct > 0:
            return next(colour for (_, high), colour in shades if direct + via <= high)
        return "url(#via)" if via > 0 else NONE_FILL

    out = []
    for country, rings in zip(atlas, _atlas_rings(), strict=True):
        d = _path(view, rings)
        if not d:
            continue
        if country.code in counts:
            direct, via = counts[country.code]
            name = _display_name(country.code, country.name, names)
            label = f"{name}: {direct} direct, {via} via a region"
            out.append(
                f'<path d="{d}" fill="{fill(direct, via)}" data-code={_attr(country.code)}>'
                f"<title>{_text(label)}</title></path>"
            )
        else:
            out.append(f'<path d="{d}" fill="{NONE_FILL}"/>')
    return out
