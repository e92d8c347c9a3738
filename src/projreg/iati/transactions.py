"""IATI transactions and related activities, read from an activity and written back.

Transactions are the money people follow: commitments, disbursements, expenditure.
Each is kept as published (the value as decimal text, its currency, the day and the
value date, both organisations with their identifiers, the codes that describe the
flow) and written back so that value, currency and dates come out as they went in.
Related activities (a child's parent, a parent's children) and the activity's
hierarchy level travel with them, so a hierarchy stays linked both ways.

iati.py calls `read` for each activity and `write` for each exported project; this
module knows nothing of the rest of the activity.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import xml.etree.ElementTree as ElementTree
from decimal import Decimal

from projreg.model.dates import PartialDate
from projreg.model.schema import RELATION_TYPES, TRANSACTION_TYPES, Relation, Transaction

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_XS_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
# TransactionType: the 2.0x codes 1 to 13, and the 1.0x letters that became them.
TYPE_OF_CODE = {str(n): word for n, word in enumerate(TRANSACTION_TYPES, 1)}
TYPE_OF_CODE.update(
    {
        "IF": "incoming-funds",
        "C": "commitment",
        "D": "disbursement",
        "E": "expenditure",
        "IR": "interest-payment",
        "LR": "loan-repayment",
        "R": "reimbursement",
        "QP": "purchase-of-equity",
        "QS": "sale-of-equity",
        "CG": "credit-guarantee",
    }
)
CODE_OF_TYPE = {word: str(n) for n, word in enumerate(TRANSACTION_TYPES, 1)}
RELATION_OF_CODE = {str(n): word for n, word in enumerate(RELATION_TYPES, 1)}
CODE_OF_RELATION = {word: code for code, word in RELATION_OF_CODE.items()}
# The codes kept of each transaction (the field, then the element that holds the code).
CODES = (
    ("flow", "flow-type"),
    ("finance", "finance-type"),
    ("aid", "aid-type"),
    ("tied", "tied-status"),
    ("channel", "disbursement-channel"),
)


# --- reading --------------------------------------------------------------------------------


def read(activity: ElementTree.Element, lang: str, notes: list[str]) -> dict:
    """The activity's transactions, hierarchy and related activities, as Project fields."""
    currency = (activity.get("default-currency") or "").strip() or None
    transactions = []
    for number, element in enumerate(activity.findall("transaction"), 1):
        transaction = _transaction(element, lang, currency, notes, number)
        if transaction is not None:
            transactions.append(transaction)
    return {
        "transactions": tuple(transactions),
        "hierarchy": _hierarchy(activity, notes),
        "related_activities": tuple(_relations(activity, notes)),
    }


def _transaction(element, lang: str, currency, notes: list[str], number: int):
    parts: dict[str, ElementTree.Element] = {}
    for child in element:  # one pass over the children (a real file has thousands)
        parts.setdefault(child.tag, child)
    written = _code(parts.get("transaction-type"))
    value_element = parts.get("value")
    text = value_element.text if value_element is not None else None
    value = decimal_of(text)
    if value is None or not written:
        why = "no type" if not written else f"the value {(text or '').strip()!r}, not a decimal"
        notes.append(f"Transaction {number} left out: {why}.")
        return None
    kind = TYPE_OF_CODE.get(written) or TYPE_OF_CODE.get(written.upper())
    if kind is None:
        notes.append(f"Transaction {number}: type {written!r} is not an IATI TransactionType.")
    provider, receiver = parts.get("provider-org"), parts.get("receiver-org")
    return Transaction(
        type=kind or written,
        value=value,
        currency=_attribute(value_element, "currency") or currency,
        date=_day(parts.get("transaction-date"), notes, number),
        value_date=_day(value_element, notes, number, "value-date"),
        provider=_name(provider, lang),
        provider_ref=_attribute(provider, "ref"),
        provider_activity=_attribute(provider, "provider-activity-id"),
        receiver=_name(receiver, lang),
        receiver_ref=_attribute(receiver, "ref"),
        receiver_activity=_attribute(receiver, "receiver-activity-id"),
        description=_name(parts.get("description"), lang),
        ref=_attribute(element, "ref"),
        **{name: _code(parts.get(tag)) for name, tag in CODES},
    )


def _hierarchy(activity, notes: list[str]) -> int | None:
    written = _attribute(activity, "hierarchy")
    if written is None:
        return None
    if written.isdigit() and int(written) >= 1:
        return int(written)
    notes.append(f"Hierarchy {written!r} (not a whole number from 1) left out.")
    return None


def _relations(activity, notes: list[str]) -> list[Relation]:
    relations = []
    for element in activity.findall("related-activity"):
        ref, code = _attribute(element, "ref"), _attribute(element, "type")
        if ref is None:
            notes.append(f"A related activity without a ref (type {code or 'none'}) left out.")
            continue
        kind = RELATION_OF_CODE.get(code or "")
        if code and kind is None:
            notes.append(f"Related activity {ref}: type {code!r} is not an IATI one.")
        relations.append(Relation(ref, kind or code))
    return relations


def decimal_of(text: str | None) -> Decimal | None:
    """An xs:decimal text as an exact Decimal (spaces ignored); None when it is not one."""
    if text is None:
        return None
    text = "".join(str(text).split())
    return Decimal(text) if _XS_DECIMAL.fullmatch(text) else None


def _attribute(element, name: str) -> str | None:
    if element is None:
        return None
    return (element.get(name) or "").strip() or None


def _code(element) -> str | None:
    return _attribute(element, "code")


def _name(element, lang: str) -> str | None:
    """An element's text in English (or the file's language, else the first): its narratives
    (2.0x) or its own text (1.0x)."""
    if element is None:
        return None
    items = element.findall("narrative") or [element]
    texts = []
    for item in items:
        text = " ".join((item.text or "").split())
        if text:
            texts.append(((item.get(XML_LANG) or lang or "").lower(), text))
    if not texts:
        return None
    return next((t for code, t in texts if code in ("en", "")), texts[0][1])


def _day(element, notes: list[str], number: int, attribute: str = "iso-date"):
    """The day of a transaction-date (`@iso-date`, or its 1.0x text) or of a value-date."""
    if element is None:
        return None
    written = _attribute(element, attribute)
    if written is None and attribute == "iso-date":
        written = (element.text or "").strip() or None
    if written is None:
        return None
    day = _day_of(written[:10])
    if day is None:
        notes.append(f"Transaction {number}: unreadable {attribute} {written!r} left out.")
    return day


@functools.lru_cache(maxsize=4096)  # a file's transactions share a few hundred days
def _day_of(text: str) -> PartialDate | None:
    try:
        return PartialDate.from_date(dt.date.fromisoformat(text))
    except ValueError:
        return None


# --- writing --------------------------------------------------------------------------------


def write(activity, project, add, notes: list[str]) -> None:
    """The project's transactions as <transaction> elements (after its budgets).

    add(parent, tag, text, **attributes) makes an element (iati._Writer.add). IATI
    requires a type code, a day and a value date: a transaction without a known type or
    a day is left out, with a note; the value date, when not given, is the day's.
    """
    for transaction in project.transactions:
        code = CODE_OF_TYPE.get(transaction.type)
        if code is None and transaction.type in TYPE_OF_CODE:
            code = CODE_OF_TYPE[TYPE_OF_CODE[transaction.type]]
        day = transaction.date or transaction.value_date
        if code is None or day is None:
            why = "no day" if code else f"the type {transaction.type!r} has no IATI code"
            notes.append(
                f"{project.id}: a transaction of {_text(transaction.value)} left out: {why}"
            )
            continue
        _transaction_element(activity, transaction, code, day, add)


def _transaction_element(activity, transaction: Transaction, code: str, day, add) -> None:
    element = add(activity, "transaction", ref=transaction.ref)
    add(element, "transaction-type", code=code)
    add(element, "transaction-date", iso_date=day.first_day().isoformat())
    value_day = transaction.value_date or day
    value = add(
        element,
        "value",
        currency=transaction.currency,
        value_date=value_day.first_day().isoformat(),
    )
    value.text = _text(transaction.value)
    if transaction.description:
        add(element, "description", transaction.description)
    for side in ("provider", "receiver"):
        name, ref = getattr(transaction, side), getattr(transaction, f"{side}_ref")
        activity_id = getattr(transaction, f"{side}_activity")
        if name or ref or activity_id:
            add(element, f"{side}-org", name, ref=ref, **{f"{side}_activity_id": activity_id})
    codes = {name: getattr(transaction, name) for name, _tag in CODES}
    if codes["channel"]:
        add(element, "disbursement-channel", code=codes["channel"])
    for name, tag in CODES[:4]:  # in the order IATI 2.03 requires, after the places
        if codes[name]:
            add(element, tag, code=codes[name])


def write_relations(activity, project, add, notes: list[str]) -> None:
    """The project's related activities (after its document links); IATI requires a type."""
    for relation in project.related_activities:
        code = CODE_OF_RELATION.get(relation.type or "")
        if code is None and relation.type in RELATION_OF_CODE:
            code = relation.type
        if code is None:
            notes.append(
                f"{project.id}: the related activity {relation.ref} left out: "
                f"IATI requires a type ({', '.join(RELATION_TYPES)})"
            )
            continue
        add(activity, "related-activity", ref=relation.ref, type=code)


def _text(value) -> str:
    """An amount as xs:decimal text, digit for digit, never with an exponent."""
    return format(value if isinstance(value, Decimal) else Decimal(str(value)), "f")
