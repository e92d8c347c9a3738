"""Reading one value of each kind the format has (schema.py: text, dates, counts,
choices, numbers, amounts, countries, regions, records), checked, every problem located.

The readers take (mapping, field, label) and give the value, or None (or ()) with the
problem reported; ListReader._kinds is the table from a field's kind to its reader.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache
from itertools import repeat
from typing import Any

from projreg.model import geo, schema
from projreg.model.dates import DateError, PartialDate, parse_date
from projreg.model.problems import DATE_HINT, Problem
from projreg.model.schema import Field
from projreg.registry.fileproblems import Reporter, closest, kind_of, pos, quote_hint, vpos

MAX_MONTHS = 12 * 9999  # a duration longer than the calendar projreg knows is a typo
_DECIMAL_TEXT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


# The same few dates and country names recur across a large registry: each distinct text
# is parsed once (errors are not cached, so each bad value is still reported where it is).
_parse_date = lru_cache(maxsize=8192)(parse_date)
_country_code = lru_cache(maxsize=4096)(geo.country_code)


class ValueReader(Reporter):
    """One value of a mapping, by kind: text, a list of texts, a date, a count of months,
    a choice, a number, an exact amount."""

    def _text(self, mapping, key, required=False, field=None) -> str | None:
        """The text at mapping[key], stripped; None if absent. `field` names it in messages."""
        value = mapping.get(key)
        if value.__class__ is str:  # the common case first: loading 100,000 projects calls this
            stripped = value.strip()
            if stripped or not required:
                return stripped or None
        elif value is None and not required:
            return None
        field = field or key
        position = vpos(mapping, key) or pos(mapping)
        if value is None:
            if required:
                self.problem(pos(mapping), f"missing {key!r}", f"add '{key}: ...'", field)
            return None
        if not isinstance(value, str):
            self.problem(position, f"expected text, got {kind_of(value)}", quote_hint(value), field)
            return None
        value = value.strip()
        if not value and required:
            self.problem(position, f"{key!r} is empty", "", field)
            return None
        return value or None

    def _text_field(self, mapping, field: Field, label=None):
        return self._text(mapping, field.name, field.required, label)

    def _items(self, mapping, key):
        """(item, position) for each item of the list at mapping[key]; one value is a list."""
        value = mapping.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            if isinstance(value, (str, dict)):
                return [(value, vpos(mapping, key))]
            self.problem(vpos(mapping, key), f"expected a list, got {kind_of(value)}", "", key)
            return []
        positions = getattr(value, "item_positions", None)
        return zip(value, positions or repeat(None), strict=False)

    def _texts(self, mapping, key, label=None) -> tuple[str, ...]:
        out = []
        for item, position in self._items(mapping, key):
            text = item.strip() if isinstance(item, str) else None
            if text:
                out.append(text)
            else:
                self.problem(
                    position, f"expected text, got {kind_of(item)}", quote_hint(item), label or key
                )
        return tuple(out)

    def _texts_field(self, mapping, field: Field, label=None):
        return self._texts(mapping, field.name, label)

    def _date(self, mapping, key, label=None) -> PartialDate | None:
        value = mapping.get(key)
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.problem(
                vpos(mapping, key),
                f"expected a date as text, got {kind_of(value)}",
                quote_hint(value) or DATE_HINT,
                label or key,
            )
            return None
        try:
            return _parse_date(value) if value.__class__ is str else parse_date(value)
        except DateError as error:
            self.problem(vpos(mapping, key), str(error), error.hint or DATE_HINT, label or key)
            return None

    def _date_field(self, mapping, field: Field, label=None):
        return self._date(mapping, field.name, label)

    def _count(self, mapping, field: Field, label=None) -> int | None:
        key = field.name
        value = mapping.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_MONTHS:
            self.problem(
                vpos(mapping, key),
                f"expected a whole number of months (1 to {MAX_MONTHS}), got "
                f"{repr(value) if isinstance(value, (str, int)) else kind_of(value)}",
                f"write e.g. '{key}: 36'",
                label or key,
            )
            return None
        return value

    def _choice(self, mapping, field: Field, label=None) -> str | None:
        key, allowed = field.name, field.choices
        value = self._text(mapping, key, field=label)
        if value is None:
            return None
        if value not in allowed:
            from projreg.model import synonyms  # read only when a person is shown the error

            meant = synonyms.value_meant(key, value, allowed)
            close = [meant] if meant else closest(value, tuple(allowed), 0.5)
            hint = f"did you mean {close[0]!r}?" if close else f"one of: {', '.join(allowed)}"
            if meant:
                hint += f" ({key} is one of {', '.join(allowed)})"
            self.problem(vpos(mapping, key), f"{value!r} is not a valid {key}", hint, label or key)
            return None
        return value

    def _number(self, mapping, field: Field, label=None) -> float | int | None:
        key = field.name
        value = mapping.get(key)
        if value is None:
            if field.required:
                self.problem(pos(mapping), f"missing {key!r}", f"add '{key}: ...'", label)
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.problem(
                vpos(mapping, key), f"{key}: expected a number, got {kind_of(value)}", "", label
            )
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.problem(
                vpos(mapping, key),
                f"{key}: {value} is not a number that can be counted with",
                "write a finite number, e.g. 12.5",
                label,
            )
            return None
        if field.kind == schema.NUMBER:
            if not 0 <= value <= 100:
                self.problem(
                    vpos(mapping, key),
                    f"{key}: {value} is not a percentage from 0 to 100",
                    "write the share of the project, e.g. 12.5",
                    label,
                )
                return None
            return float(value) if isinstance(value, float) else value
        return value

    def _decimal(self, mapping, field: Field, label=None) -> Decimal | None:
        """An exact amount: a number as written (YAML's float is read back through its text)."""
        value = (
            self._number(mapping, field, label)
            if not isinstance(mapping.get(field.name), str)
            else mapping.get(field.name)
        )
        if value is None:
            return None
        if isinstance(value, str):
            text = value.strip()
            if not _DECIMAL_TEXT.fullmatch(text):
                self.problem(
                    vpos(mapping, field.name),
                    f"{field.name}: {value!r} is not an amount",
                    "write digits with a dot for decimals, e.g. 1166170.55",
                    label,
                )
                return None
            return Decimal(text)
        if isinstance(value, int):
            return Decimal(value)
        # repr gives the shortest text that reads back as this float: the text as written,
        # for any amount of up to 15 significant digits. Longer ones reach only the careful
        # parser (yamlsafe sends them there), which keeps their text: read that, exactly.
        written = getattr(value, "text", "")
        if len(re.sub(r"[^0-9]", "", written.partition("e")[0].partition("E")[0])) > 15:
            return Decimal(format(Decimal(written), "f"))
        return Decimal(repr(float(value)))


# A record, as messages name it ("expected a link, got text").
_NOUNS = {
    "Participant": "an organisation",
    "Organisation": "an organisation",
    "Link": "a link",
    "Component": "a component",
    "Sector": "a sector",
    "Published": "a published value",
    "Budget": "a budget",
    "Transaction": "a transaction",
    "Relation": "a related activity",
}


class ListReader(ValueReader):
    """The kinds that are lists of items each checked on its own: countries, regions and
    records (organisations, links, sectors, budgets...); and the table of readers by kind."""

    def __init__(self, file: str, problems: list[Problem], fast: bool = False):
        super().__init__(file, problems, fast)
        # Records seen before in this file, and what they gave: donors, agencies and
        # sectors repeat in project after project, so each distinct one is checked once.
        self._seen_records: dict = {}
        self.country_names: dict[str, str] = {}  # code -> the name as written, first one
        # How each kind of field is read: reader(mapping, field, label) -> value.
        self._kinds: dict[str, Callable[..., Any]] = {
            schema.TEXT: self._text_field,
            schema.TEXTS: self._texts_field,
            schema.DATE: self._date_field,
            schema.COUNT: self._count,
            schema.CHOICE: self._choice,
            schema.COUNTRIES: self._countries,
            schema.REGIONS: self._regions,
            schema.RECORDS: self._records,
            schema.DECIMAL: self._decimal,
            schema.NUMBER: self._number,
        }

    def _records(self, mapping, field: Field, label=None) -> tuple:
        """The items of a list of records (organisations, links, sectors...), each checked."""
        key = field.name
        label = label or key
        assert field.record is not None  # schema.py gives every list of records its type
        noun = _NOUNS.get(field.record.__name__, "a mapping")
        allowed = tuple(p.name for p in field.parts)
        out = []
        seen = self._seen_records
        for item, position in self._items(mapping, key):
            known = None
            if item.__class__ is dict:  # from the fast parser: no positions to keep
                try:
                    known = (key, *((k, v.__class__, v) for k, v in item.items()))
                    record = seen.get(known)
                except TypeError:  # a list or mapping inside: a problem, reported below
                    known = record = None
                if record is not None:
                    out.append(record)
                    continue
            if isinstance(item, str) and field.shorthand and item.strip():
                out.append(field.record(**{field.shorthand: item.strip()}))
                continue
            if not isinstance(item, dict):
                self.problem(position, f"expected {noun}, got {kind_of(item)}", "", label)
                continue
            before = len(self.problems)
            self._check_fields(item, allowed, f"{key} field")
            count = len(self.problems)
            values = {}
            for part in field.parts:
                if part.name in item or part.required:
                    values[part.name] = self._kinds[part.kind](item, part, label)
            if field.needs_one_of and not any(values.get(n) for n in field.needs_one_of):
                if self._errors_since(count):
                    continue
                first, second = field.needs_one_of
                if first == "name":
                    self.problem(
                        position, "missing 'name'", "add 'name: ...' (or 'ref: ...')", label
                    )
                else:
                    self.problem(position, f"{noun} needs a {first} or a {second}", "", label)
                continue
            if self._errors_since(count) or any(
                values.get(p.name) is None for p in field.parts if p.required
            ):
                continue
            record = field.record(**{k: v for k, v in values.items() if v is not None})
            if known is not None and len(self.problems) == before:
                seen[known] = record
            out.append(record)
        return tuple(out)

    def _countries(self, mapping, field: Field, label=None) -> tuple[str, ...]:
        key = field.name
        codes = []
        for item, position in self._items(mapping, key):
            if not isinstance(item, str):
                self.problem(position, f"expected a country name, got {kind_of(item)}", "", key)
                continue
            try:
                code = _country_code(item)
            except geo.UnknownPlace as error:
                hint = (
                    f"did you mean {' or '.join(repr(s) for s in error.suggestions)}?"
                    if error.suggestions
                    else "use an ISO 3166 name or code, e.g. 'Georgia' or 'GE'"
                )
                self.problem(position, f"unknown country {item!r}", hint, key)
                continue
            if code in codes:
                self.problem(
                    position,
                    f"{geo.country_name(code)} is listed twice",
                    "remove one of them",
                    key,
                    severity="warning",
                )
            else:
                codes.append(code)
                written = " ".join(item.split())
                if len(written) > 3:  # a name, not a code (GE, GEO)
                    self.country_names.setdefault(code, written)
        return tuple(codes)

    def _regions(self, mapping, field: Field, label=None) -> tuple[str, ...]:
        names = []
        for item, position in self._items(mapping, "regions"):
            if not isinstance(item, str):
                self.problem(
                    position, f"expected a region name, got {kind_of(item)}", "", "regions"
                )
                continue
            try:
                region = geo.region(item)
            except geo.UnknownPlace as error:
                known = ", ".join(r.name for r in geo.REGIONS)
                hint = (
                    f"did you mean {error.suggestions[0]!r}?"
                    if error.suggestions
                    else f"known regions: {known}, or an IATI (OECD DAC) region code or name"
                )
                self.problem(position, f"unknown region {item!r}", hint, "regions")
                continue
            if region.name in names:
                self.problem(
                    position,
                    f"{region.name} is listed twice",
                    "remove one of them",
                    "regions",
                    severity="warning",
                )
            else:
                names.append(region.name)
        return tuple(names)
