"""Countries and regions.

Countries are ISO 3166-1 alpha-2 codes, looked up with pycountry by code or
name, plus the names people actually write where ISO differs (Turkey, Russia,
Moldova) and Kosovo, which ISO 3166 does not list (XK is its user-assigned code).
Regions are data: a name, the other names it goes by, and its member countries.
Besides projreg's own five, the regions of IATI's Region codelist (vocabulary 1,
the OECD DAC regional codes, shipped as data/iati-Region.xml) are regions too:
named by their DAC name ("South of Sahara, regional") or code ("289"), with no
member countries (the DAC does not list them with the codes). Last, the UN M49
geoscheme's regions (data/un-m49.tsv, copied from the published table): `--region
"Western Africa"` (or "West Africa") works without the registry defining it.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple


class UnknownPlace(LookupError):
    """A country or region name that matches nothing; carries suggestions."""

    def __init__(self, kind: str, text: str, suggestions: list[str], known=()):
        self.kind, self.text, self.suggestions = kind, text, suggestions
        hint = f"; did you mean {' or '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        if known and not suggestions:  # a short list: name them all
            hint = f"; known {kind}s: {', '.join(known)}"
        super().__init__(f"unknown {kind} {text!r}{hint}")


# Names people write that pycountry does not know, and short names for display
# where the ISO name is a formal one ("Moldova, Republic of").
_EXTRA_NAMES = {
    "turkey": "TR",
    "russia": "RU",
    "moldova": "MD",
    "kosovo": "XK",
    "czech republic": "CZ",
    "the netherlands": "NL",
    "the czech republic": "CZ",
    "macedonia": "MK",
    "great britain": "GB",
    "uk": "GB",
}
_SHORT_NAMES = {
    "XK": "Kosovo",
    "RU": "Russia",
    "MD": "Moldova",
    "GB": "United Kingdom",
    "BA": "Bosnia and Herzegovina",
}


class Region(NamedTuple):
    name: str
    aliases: tuple[str, ...]
    countries: tuple[str, ...]
    note: str = ""
    code: str = ""  # the IATI Region code (vocabulary 1) of a DAC region; "" for our own


# fmt: off
_EU = (
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
)
_SCHENGEN = (
    "AT", "BE", "BG", "HR", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IS", "IT",
    "LV", "LI", "LT", "LU", "MT", "NL", "NO", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "CH",
)
# fmt: on

REGIONS: tuple[Region, ...] = (
    Region(
        "Eastern Partnership",
        ("EaP", "ENPI East", "ENPI East Region"),
        ("AM", "AZ", "BY", "GE", "MD", "UA"),
    ),
    Region("Central Asia", (), ("KZ", "KG", "TJ", "TM", "UZ")),
    Region("Western Balkans", (), ("AL", "BA", "XK", "ME", "MK", "RS")),
    Region(
        "European Union",
        ("EU", "EU Member States", "EU MS"),
        _EU,
        "the 27 member states since 1 February 2020",
    ),
    Region(
        "Schengen Area",
        ("Schengen",),
        _SCHENGEN,
        "the 29 members since Bulgaria and Romania joined fully on 1 January 2025",
    ),
)


REGION_NAMES = frozenset(r.name for r in REGIONS)


@cache
def dac_regions() -> tuple[Region, ...]:
    """IATI's Region codelist (vocabulary 1): the OECD DAC regions, by code and English name."""
    import xml.etree.ElementTree as ElementTree
    from pathlib import Path

    # A plain path, not importlib.resources: this runs on start-up paths (--region).
    text = (Path(__file__).parent.parent / "data" / "iati-Region.xml").read_bytes()
    regions = []
    for item in ElementTree.fromstring(text).iter("codelist-item"):
        code = item.findtext("code", "").strip()
        name = next(
            (n.text or "").strip()
            for n in item.iter("narrative")
            if n.get("{http://www.w3.org/XML/1998/namespace}lang") in (None, "en")
        )
        aliases = (code, name.replace("&", "and")) if "&" in name else (code,)
        regions.append(Region(name, aliases, (), "IATI Region codelist (OECD DAC)", code))
    return tuple(regions)


def is_region_name(name: str) -> bool:
    """Is name the written form of a region (ours, or a DAC region's English name)?"""
    return name in REGION_NAMES or any(r.name == name for r in dac_regions())


def dac_region(code: str) -> Region | None:
    """The DAC region of an IATI Region code (vocabulary 1), or None."""
    return next((r for r in dac_regions() if r.code == code.strip()), None)


def _key(text: str) -> str:
    """Names compare without case, spacing or accents: 'Türkiye' == 'turkiye'."""
    if not text.isascii():
        import unicodedata

        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )
    return " ".join(text.casefold().split())


@cache
def _country_index() -> dict[str, str]:
    """Every name, official name, common name and code of every country -> alpha-2."""
    import pycountry

    index: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("alpha_2", "alpha_3", "name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                index.setdefault(_key(value), country.alpha_2)
    index.update(_EXTRA_NAMES)
    index["xk"] = index["xkx"] = "XK"
    return index


@cache
def _names() -> dict[str, str]:
    import pycountry

    names = {c.alpha_2: getattr(c, "common_name", None) or c.name for c in pycountry.countries}
    names.update(_SHORT_NAMES)
    return names


def names_of_codes(codes) -> dict[str, str]:
    """Every name and code country_code knows for these codes (key -> code), so that they
    can be looked up later without pycountry."""
    wanted = set(codes)
    return {key: code for key, code in _country_index().items() if code in wanted}


def key(text: str) -> str:
    """How country_code compares names: case and spacing ignored."""
    return _key(text)


def country_code(text: str) -> str:
    """The ISO 3166-1 alpha-2 code for a country name or code; raises UnknownPlace."""
    code = _country_index().get(_key(text))
    if code is None:
        raise UnknownPlace("country", text, _suggest(text, _country_index()))
    return code


# Names already known without asking pycountry (the cache of a registry brings them):
# printing a cached registry then needs no pycountry import at all.
_known_names: dict[str, str] = {}


def remember_names(names: dict[str, str]) -> None:
    _known_names.update(names)


def country_name(code: str) -> str:
    """The short English name of a country code: AZ -> Azerbaijan, MD -> Moldova."""
    name = _known_names.get(code)
    if name is None:
        name = _known_names[code] = _names().get(code, code)
    return name


@cache
def _region_index() -> dict[str, Region]:
    index = {}
    for region in REGIONS:
        for name in (region.name, *region.aliases):
            index[_key(name)] = region
    return index


@cache
def _dac_index() -> dict[str, Region]:
    """The DAC regions by name and code; read only when our own regions do not answer."""
    index = {}
    for region in dac_regions():
        for name in (region.name, *region.aliases):
            index[_key(name)] = region
    return index


def region(text: str, m49: bool = False) -> Region:
    """The region a name, alias or IATI Region code refers to; raises UnknownPlace.

    Our own regions come first, then the DAC regions; with m49 (a --region filter), then
    the UN M49 geoscheme's (m49_regions), which a registry need not define."""
    key = _key(text)
    found = _region_index().get(key) or _dac_index().get(key)
    if found is None and m49:
        found = _m49_index().get(key)
    if found is None:
        index = {**(_m49_index() if m49 else {}), **_dac_index(), **_region_index()}
        known = [r.name for r in REGIONS] + (
            ["a UN M49 region such as Western Africa"] if m49 else []
        )
        raise UnknownPlace("region", text, _suggest(text, index), known)
    return found


M49_NOTE = "UN M49"  # Region.note of an M49 region begins with it
# Usual names of M49 regions (the names only: the members come from the published table).
_M49_ALIASES = {
    "Western Africa": ("West Africa",),
    "Eastern Africa": ("East Africa",),
    "Northern Africa": ("North Africa",),
    "Middle Africa": ("Central Africa",),
    "South-eastern Asia": ("South-East Asia", "Southeast Asia", "South East Asia"),
    "Southern Asia": ("South Asia",),
    "Eastern Asia": ("East Asia",),
    "Western Asia": ("West Asia",),
    "Latin America and the Caribbean": ("Latin America",),
    "Caribbean": ("the Caribbean",),
    "Sub-Saharan Africa": ("Subsaharan Africa", "Sub Saharan Africa"),
}
_M49_LEVELS = {"0": "world", "1": "region", "2": "sub-region", "3": "intermediate region"}


@cache
def m49_regions() -> tuple[Region, ...]:
    """The UN M49 geoscheme's areas larger than a country (data/un-m49.tsv, copied from the
    published table by scripts/gen_m49.py), each with every country in it."""
    import csv
    from pathlib import Path

    path = Path(__file__).parent.parent / "data" / "un-m49.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    children: dict[str, list[dict]] = {}
    for row in rows:
        children.setdefault(row["parent"], []).append(row)

    def members(code: str) -> list[str]:
        found = []
        for child in children.get(code, []):
            if child["iso2"]:
                found.append(child["iso2"])
            else:
                found += members(child["code"])
        return found

    return tuple(
        Region(
            row["name"],
            _M49_ALIASES.get(row["name"], ()),
            tuple(sorted(members(row["code"]))),
            f"{M49_NOTE} {_M49_LEVELS[row['level']]} {row['code']}",
        )
        for row in rows
        if row["level"] in _M49_LEVELS
    )


@cache
def _m49_index() -> dict[str, Region]:
    index = {}
    for found in m49_regions():
        for name in (found.name, *found.aliases):
            index[_key(name)] = found
    return index


def m49_region(text: str) -> Region | None:
    """The UN M49 region a name means, or None."""
    return _m49_index().get(_key(text))


def regions_containing(code: str) -> list[Region]:
    return [r for r in REGIONS if code in r.countries]


def _suggest(text: str, index: dict) -> list[str]:
    import difflib

    keys = difflib.get_close_matches(_key(text), list(index), n=3, cutoff=0.75)
    names = []
    for key in keys:
        value = index[key]
        name = value.name if isinstance(value, Region) else country_name(value)
        if name not in names:
            names.append(name)
    return names
