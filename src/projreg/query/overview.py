"""The timeline's overview: how many projects run in each year (or quarter), split by
status or by the top donors, and the budget in each year per currency.

A project counts in a period exactly when `active --on PERIOD` lists it
(`Project.overlaps`): its start (actual, else planned) is on or before the period's
last day and its end, if any, on or after its first day; a project with a start and
no end counts in every period from its start on. Projects whose start is unknown are
counted apart (`Overview.undated`), never dropped. Each project is counted once in a
period: by status, under its status on --today; by donor, under the first of its
donors (in the order the registry names them) that is among the top donors, else
under "others". So the parts of a period add up to its total.

Money: a budget's amount is spread over its period in proportion to days (a budget of
365 for 2019-07-01 to 2020-06-30 puts 184 in 2019 and 181 in 2020); a revised budget
replaces the original ones whose periods overlap it (IATI's BudgetType 2 supersedes 1;
a budget whose type is not said is an original one, IATI's default).
Budgets without a whole period are counted apart, per currency, never spread.
Plain data, no formatting: render.py and chart.py draw it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from projreg.model import money
from projreg.model.project import STATUS_ORDER, Project
from projreg.model.schema import Budget

SPLITS = ("status", "donor")
TOP_DONORS = 5
OTHERS = "others"
NO_DONOR = "(no donor named)"
NO_CURRENCY = "(no currency)"
# A span of at most this many years is drawn per quarter.
QUARTERS_UP_TO = 3
SPREAD = (
    "each budget's amount is spread over its period in proportion to days; "
    "a revised budget replaces the original ones it overlaps"
)


@dataclass(frozen=True)
class Period:
    """A year or a quarter: its label and its first and last day."""

    label: str
    first: dt.date
    last: dt.date


@dataclass(frozen=True)
class Overview:
    """Counts per period and group, money per period and currency, and what is apart."""

    by: str  # "status" or "donor"
    today: dt.date
    periods: tuple[Period, ...]
    groups: tuple[str, ...]  # the parts of each period's count, in drawing order
    counts: tuple[tuple[int, ...], ...]  # [period][group]
    undated: tuple[str, ...]  # ids of projects whose start is unknown
    undated_groups: tuple[int, ...]  # their split into groups
    currencies: tuple[str, ...]  # by total amount, largest first
    money: tuple[tuple[Decimal, ...], ...]  # [period][currency]
    unplaced: tuple[tuple[str, Decimal, int], ...]  # budgets without a whole period
    with_budget: int  # projects with at least one budget spread here
    dated: int  # projects whose start is known

    @property
    def quarterly(self) -> bool:
        return bool(self.periods) and "Q" in self.periods[0].label

    def total(self, index: int) -> int:
        return sum(self.counts[index])

    def collapsed(self, least: int = 3) -> Overview:
        """The same overview with each run of `least` or more periods that hold the same
        counts and the same money as one period ("1900–1989"): a few placeholder dates
        (1900-01-01) then leave the chart its room. Each period of a run holds what it says."""
        from dataclasses import replace

        keep: list[tuple[int, int]] = []
        start = 0
        for end in range(1, len(self.periods) + 1):
            same = end < len(self.periods) and (self.counts[end], self.money[end]) == (
                self.counts[start],
                self.money[start],
            )
            if same:
                continue
            keep += (
                [(start, end - 1)] if end - start >= least else [(i, i) for i in range(start, end)]
            )
            start = end
        periods = tuple(
            self.periods[a]
            if a == b
            else Period(
                f"{self.periods[a].label}–{self.periods[b].label}",
                self.periods[a].first,
                self.periods[b].last,
            )
            for a, b in keep
        )
        pick = [a for a, _ in keep]
        return replace(
            self,
            periods=periods,
            counts=tuple(self.counts[i] for i in pick),
            money=tuple(self.money[i] for i in pick),
        )

    def records(self) -> list[dict]:
        """One record per period (and one for unknown dates): the count, its parts, the money."""
        rows = []
        for i, period in enumerate(self.periods):
            row: dict = {"period": period.label, "projects": self.total(i)}
            row.update(zip(self.groups, self.counts[i], strict=True))
            for currency, amount in zip(self.currencies, self.money[i], strict=True):
                row[f"budget_{currency}"] = _cents(amount)
            rows.append(row)
        if self.undated:
            row = {"period": "dates unknown", "projects": len(self.undated)}
            row.update(zip(self.groups, self.undated_groups, strict=True))
            row.update({f"budget_{c}": None for c in self.currencies})
            rows.append(row)
        return rows


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"))


def periods_for(first: dt.date, last: dt.date) -> tuple[Period, ...]:
    """Whole years from first's to last's, or quarters when that is QUARTERS_UP_TO years or less."""
    if last.year - first.year + 1 > QUARTERS_UP_TO:
        return tuple(
            Period(str(y), dt.date(y, 1, 1), dt.date(y, 12, 31))
            for y in range(first.year, last.year + 1)
        )
    out = []
    for year in range(first.year, last.year + 1):
        for q in range(4):
            start = dt.date(year, 3 * q + 1, 1)
            end = dt.date(year + (q == 3), (3 * q + 3) % 12 + 1, 1) - dt.timedelta(days=1)
            out.append(Period(f"{year}-Q{q + 1}", start, end))
    return tuple(out)


def _index(periods: Sequence[Period], day: dt.date) -> int:
    """The period a day falls in, counted from the first (may be outside the list)."""
    first = periods[0].first
    if len(periods) > 1 and periods[1].first.year == first.year:  # quarters
        return (day.year - first.year) * 4 + (day.month - 1) // 3
    return day.year - first.year


def _span(projects: Sequence[Project], budgets, today: dt.date) -> tuple[dt.date, dt.date]:
    """From the first start (or budget) to the last end, or today while a project has none."""
    days = []
    for project in projects:
        first, last = project.first_day(), project.last_day()
        if first is not None:
            days += [first, last or max(first, today)]
    for budget in budgets:
        days += [budget.start.first_day(), budget.end.last_day()]
    return (min(days), max(days)) if days else (today, today)


def group_of(project: Project, by: str, today: dt.date, top: Sequence[str]) -> str:
    if by == "status":
        return project.status_on(today)
    if not project.donors:
        return NO_DONOR
    for donor in project.donors:
        label = donor.name or donor.ref
        if label is not None and label in top:
            return label
    return OTHERS


def top_donors(projects: Iterable[Project], most: int = TOP_DONORS) -> list[str]:
    """The donors funding the most projects (ties: alphabetical)."""
    tally: dict[str, int] = {}
    for project in projects:
        for name in dict.fromkeys(d.name or d.ref for d in project.donors):
            if name:
                tally[name] = tally.get(name, 0) + 1
    ranked = sorted(tally, key=lambda n: (-tally[n], n.casefold(), n))
    # "others" of one donor would be that donor under another name: name it instead.
    return ranked[: most + 1] if len(ranked) == most + 1 else ranked[:most]


def _groups(projects: Sequence[Project], by: str, today: dt.date) -> tuple[list[str], list[str]]:
    """(top donors, the groups in drawing order)."""
    if by == "donor":
        top = top_donors(projects)
        seen = {group_of(p, by, today, top) for p in projects}
        return top, [*[d for d in top if d in seen], *[g for g in (OTHERS, NO_DONOR) if g in seen]]
    seen = {p.status_on(today) for p in projects}
    order = [s for s in STATUS_ORDER if s in seen] + sorted(seen - set(STATUS_ORDER))
    return [], order


def overview(projects: Iterable[Project], today: dt.date, by: str = "status") -> Overview:
    """Projects running per period, split `by` status or donor, and budgets per currency."""
    if by not in SPLITS:
        raise ValueError(f"cannot split an overview by {by!r}")
    projects = list(projects)
    budgets = [(p, b) for p in projects for b in chosen_budgets(p.budgets)]
    spread = [(p, b) for p, b in budgets if b.start is not None and b.end is not None]
    first, last = _span(projects, [b for _, b in spread], today)
    periods = periods_for(first, last)
    top, groups = _groups(projects, by, today)
    column = {g: i for i, g in enumerate(groups)}
    # Each project adds one where it starts and takes it back after it ends: the running
    # sums are the counts, in one pass over the projects and one over the periods.
    changes = [[0] * len(groups) for _ in range(len(periods) + 1)]
    undated: list[str] = []
    undated_groups = [0] * len(groups)
    for project in projects:
        g = column[group_of(project, by, today, top)]
        start = project.first_day()
        if start is None:
            undated.append(project.id)
            undated_groups[g] += 1
            continue
        end = project.last_day()
        lo = _index(periods, start)
        hi = len(periods) - 1 if end is None else min(_index(periods, end), len(periods) - 1)
        if lo <= hi:
            changes[lo][g] += 1
            changes[hi + 1][g] -= 1
    counts, running = [], [0] * len(groups)
    for change in changes[:-1]:
        running = [a + b for a, b in zip(running, change, strict=True)]
        counts.append(running)
    currencies, money = _money(periods, spread)
    return Overview(
        by,
        today,
        periods,
        tuple(groups),
        tuple(map(tuple, counts)),
        tuple(undated),
        tuple(undated_groups),
        currencies,
        money,
        _unplaced(b for _, b in budgets if b.start is None or b.end is None),
        len({p.id for p, _ in spread}),
        len(projects) - len(undated),
    )


def chosen_budgets(budgets: Sequence[Budget]) -> list[Budget]:
    """The budgets that count: a revised one replaces the original ones its period overlaps
    (money.counted_budgets: the one rule for every total of budgets)."""
    return money.counted_budgets(budgets)


def spread(budget: Budget, periods: Sequence[Period]) -> list[tuple[int, Decimal]]:
    """(period index, share) of a budget's amount, in proportion to the days of its period
    that fall in each; the shares add up to the amount exactly."""
    if budget.start is None or budget.end is None:
        return []  # an undated budget has no days to spread (callers pass dated ones only)
    first, last = budget.start.first_day(), budget.end.last_day()
    if last < first:
        first, last = last, first  # a period given backwards: its days are still its days
    days = (last - first).days + 1
    shares, given = [], Decimal(0)
    lo, hi = _index(periods, first), _index(periods, last)
    for i in range(max(lo, 0), min(hi, len(periods) - 1) + 1):
        if i == hi:  # the last share is what is left: no cent lost to rounding
            share = budget.value - given
        else:
            inside = (min(last, periods[i].last) - max(first, periods[i].first)).days + 1
            share = budget.value * inside / days
        shares.append((i, share))
        given += share
    return shares


def _money(periods, spread_budgets) -> tuple[tuple[str, ...], tuple[tuple[Decimal, ...], ...]]:
    totals: dict[str, Decimal] = {}
    per: dict[str, list[Decimal]] = {}
    for _, budget in spread_budgets:
        currency = budget.currency or NO_CURRENCY
        row = per.setdefault(currency, [Decimal(0)] * len(periods))
        for i, share in spread(budget, periods):
            row[i] += share
        totals[currency] = totals.get(currency, Decimal(0)) + budget.value
    currencies = tuple(sorted(totals, key=lambda c: (-abs(totals[c]), c)))
    money = tuple(tuple(per[c][i] for c in currencies) for i in range(len(periods)))
    return currencies, money


def _unplaced(budgets: Iterable[Budget]) -> tuple[tuple[str, Decimal, int], ...]:
    """Budgets without a whole period, per currency: (currency, total, how many)."""
    sums: dict[str, list] = {}
    for budget in budgets:
        entry = sums.setdefault(budget.currency or NO_CURRENCY, [Decimal(0), 0])
        entry[0] += budget.value
        entry[1] += 1
    return tuple((c, s, n) for c, (s, n) in sorted(sums.items()))


def short_amount(amount) -> str:
    """An amount shortly: 1.25M, 830k, 950 (a sign kept)."""
    sign, amount = ("-" if amount < 0 else ""), abs(amount)
    for limit, suffix in ((10**9, "bn"), (10**6, "M"), (10**3, "k")):
        if amount >= limit * 0.9995:  # 999,600 is 1.00M, not 1000k
            value = amount / limit
            digits = 0 if value >= 99.95 else 1 if value >= 9.995 else 2
            return f"{sign}{value:.{digits}f}{suffix}"
    return f"{sign}{amount:.0f}"
