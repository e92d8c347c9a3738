"""Money totals: budgets and transactions summed per currency, exactly, never converted.

One helper (`per_currency`) serves every total: a group with two currencies has two
totals, and an amount whose currency is not given is a total of its own (currency None),
never added to one that is. Sums are exact decimals, whatever their size.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from projreg.model.schema import TRANSACTION_TYPES

if TYPE_CHECKING:
    from decimal import Decimal

    from projreg.model.project import Project
    from projreg.model.schema import Budget, Transaction

# What reports call the transactions people follow: the field, then the transaction type.
FLOWS = {"committed": "commitment", "disbursed": "disbursement", "spent": "expenditure"}
MONEY_FIELDS = ("budget", *FLOWS)


def per_currency(amounts: Iterable[tuple[str | None, Decimal]]) -> list[dict]:
    """[{"value": total, "currency": code}] for (currency, value) pairs: one per currency,
    in the order of the codes, the amounts without a currency last."""
    from decimal import Decimal, Inexact, localcontext

    sums: dict[str | None, Decimal] = {}
    with localcontext() as exact:
        exact.prec = 200  # an amount is a few dozen digits: a sum never rounds
        exact.traps[Inexact] = True
        for currency, value in amounts:
            sums[currency] = sums.get(currency, Decimal(0)) + value
    order = sorted(sums, key=lambda code: (code is None, code or ""))
    return [{"value": sums[code], "currency": code} for code in order]


def counted_budgets(budgets: Iterable[Budget]) -> list[Budget]:
    """The budgets a total counts: a revised one replaces the original ones its period
    overlaps (IATI: a revised budget replaces the original for its period); a budget whose
    type is not said counts as an original, IATI's default."""
    budgets = list(budgets)
    revised = [
        (b.start.first_day(), b.end.last_day())
        for b in budgets
        if b.type == "revised" and b.start and b.end
    ]
    if not revised:
        return budgets

    def replaced(budget: Budget) -> bool:
        if budget.type == "revised" or budget.start is None or budget.end is None:
            return False
        first, last = budget.start.first_day(), budget.end.last_day()
        return any(start <= last and end >= first for start, end in revised)

    return [b for b in budgets if not replaced(b)]


def budget_totals(projects: Iterable[Project]) -> list[dict]:
    """The projects' budgets, per currency."""
    return per_currency((b.currency, b.value) for p in projects for b in counted_budgets(p.budgets))


def flow_totals(projects: Iterable[Project], kind: str) -> list[dict]:
    """The projects' transactions of one type (`commitment`...), per currency."""
    return per_currency(
        (t.currency, t.value) for p in projects for t in p.transactions if t.type == kind
    )


def money(projects: Iterable[Project]) -> dict:
    """Budget, committed, disbursed and spent of the projects, each per currency."""
    projects = list(projects)
    return {
        "budget": budget_totals(projects),
        **{name: flow_totals(projects, kind) for name, kind in FLOWS.items()},
    }


def transaction_totals(transactions: Iterable[Transaction]) -> list[dict]:
    """[{"type", "value", "currency"}]: one total per type and currency, types in IATI's order."""
    by_type: dict[str, list[Transaction]] = {}
    for transaction in transactions:
        by_type.setdefault(transaction.type, []).append(transaction)
    known = [t for t in TRANSACTION_TYPES if t in by_type]
    rows = []
    for kind in (*known, *sorted(set(by_type) - set(known))):
        totals = per_currency((t.currency, t.value) for t in by_type[kind])
        rows += [{"type": kind, **total} for total in totals]
    return rows
