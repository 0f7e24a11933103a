"""The keyset planner: a page of claims in (sort column, id) order that an index delivers.

Every plan walks an index in the requested order and stops after `limit` rows, at any depth
(checked by tests/scale/test_query_plans.py). A repeated filter (`speaker=a&speaker=b`, or a
metric with its narrower ones) becomes one ordered range of the (filter, sort, id) index per
value, merged by a UNION ALL under the ORDER BY: an IN list would read every matching row and
sort them. A date filter on the sorted date may add a second range (see `page_conditions`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema
from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    bindparam,
    func,
    literal_column,
    select,
    tuple_,
)
from sqlalchemy import union_all as sql_union_all

from app.queries.claim_filters import DateMatch, _Resolution, claim_t, value_condition
from app.queries.errors import InvalidParameterError


class ClaimSort(StrEnum):
    """Sort keys for claims; `-` sorts descending. Unknown dates sort last ascending and
    first descending; ties are broken by id."""

    stated_on = "stated_on"
    stated_on_desc = "-stated_on"
    value = "value"
    value_desc = "-value"
    period_end = "period_end"
    period_end_desc = "-period_end"

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        # `-value` is no identifier: name the members for generated clients
        # (openapi-python-client and others read `x-enum-varnames`).
        schema = handler.resolve_ref_schema(handler(core_schema))
        schema["x-enum-varnames"] = [member.name for member in cls]
        return schema


SORT_COLUMNS = {
    "stated_on": claim_t.c.sort_stated,
    "value": claim_t.c.sort_value,
    "period_end": claim_t.c.sort_period_end,
}

# A value range matching fewer rows than this is read whole and sorted; a wider one is
# filtered while the sort's index is walked in order (see `page_conditions`).
NARROW_VALUE_RANGE = 2000
# A repeated filter with up to this many values is split into one ordered index range per
# value, merged (see `ordered_page`).
MAX_MERGED_RANGES = 64


def sort_parts(sort: ClaimSort) -> tuple[Any, bool]:
    """(sort column, descending) of a sort key."""
    return SORT_COLUMNS[sort.value.lstrip("-")], sort.value.startswith("-")


def cursor_value(sort: ClaimSort, value: Any) -> Any:
    """A cursor's sort value back as the sort column's type; 422 if it cannot be."""
    try:
        if sort.value.lstrip("-") == "value":
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError
            return float(value)
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidParameterError("cursor", "not a cursor returned by this API") from None


@dataclass
class _Range:
    """Conditions selecting one range of the sort column; `only` if it is a single value;
    `lowest`, the least sort key in it, if the range is bounded below."""

    conditions: list[ColumnElement[bool]]
    only: Any = None
    lowest: Any = None


def _reaching(first_day: Any, start: date) -> list[_Range]:
    """Disjoint ranges of a first-day sort key that hold every date (of day, month or year
    precision) whose interval ends on or after `start`."""
    new_year, first_of_month = date(start.year, 1, 1), start.replace(day=1)
    if first_of_month == new_year:
        return [_Range([first_day >= new_year], lowest=new_year)]
    return [
        _Range([first_day == new_year], only=new_year, lowest=new_year),
        _Range([first_day >= first_of_month], lowest=first_of_month),
    ]


def _after(ranges: list[_Range], after: tuple[Any, str], descending: bool) -> list[_Range]:
    """The ranges that still hold rows past the keyset position; a single-value range at
    the cursor's value continues by id (SQLite would otherwise read that range whole)."""
    value, last_id = after
    kept = []
    for r in ranges:
        if r.only is None:
            kept.append(r)
        elif r.only == value:
            id_after = claim_t.c.id < last_id if descending else claim_t.c.id > last_id
            kept.append(_Range([*r.conditions, id_after], r.only, r.lowest))
        elif (r.only < value) == descending:
            kept.append(r)
    return kept


def _narrow_probe(ops: tuple[str, ...]) -> Any:
    """How many rows (up to NARROW_VALUE_RANGE) a value range holds: one statement per
    combination of bounds, its values bound at execution."""
    c = claim_t.c
    probe = (
        select(c.id)
        .where(*(value_condition(c.sort_value, op, bindparam(op)) for op in ops))
        .limit(NARROW_VALUE_RANGE)
        .subquery()
    )
    return select(func.count()).select_from(probe)


# Built once, not per page (statement building is most of a page's Python time).
_NARROW_PROBES: dict[tuple[str, ...], Any] = {
    ops: _narrow_probe(ops) for ops in (("min",), ("max",), ("min", "max"))
}


def _narrow_value_range(conn: Connection, resolved: _Resolution) -> bool:
    bounds = dict(resolved.value_range)
    matched = conn.execute(_NARROW_PROBES[tuple(bounds)], bounds).scalar_one()
    return bool(matched < NARROW_VALUE_RANGE)


# The sort value as an expression, which no index range serves (built once).
_UNINDEXED_SORT_VALUE = claim_t.c.sort_value + 0


def page_conditions(
    conn: Connection, resolved: _Resolution, sort_column: Any
) -> tuple[list[ColumnElement[bool]], list[_Range]]:
    """The WHERE of a page in `sort_column` order, written so that an index delivers the
    order: (conditions, alternatives), the alternatives being disjoint ranges of the sort
    column to merge.

    A date filter on the sort's own date bounds the ordered index range: the sort key is the
    first day a date covers, so a lower bound `from` on the interval's end is met by the dates
    from the first of from's month on, plus the year-precision ones (1 January of from's
    year); with `date_match=within` the interval's start, the key itself, is bounded. An
    upper bound `to` on the interval's start is `key <= to`. A wide value range must not
    drive the plan into reading and sorting all its rows."""
    c, f = claim_t.c, resolved.filters
    where = list(resolved.where)
    alternatives = [_Range([])]
    if sort_column is c.sort_stated:
        where, alternatives = _stated_ranges(resolved, where)
    if (
        sort_column is c.sort_period_end
        and f.period_from is not None
        and f.date_match == DateMatch.overlap
    ):
        # Open periods sort as 9999-12-31 and stay in the last range.
        alternatives = _reaching(c.sort_period_end, f.period_from)
    if resolved.value_range:
        value: Any = c.sort_value
        if sort_column is not c.sort_value and not _narrow_value_range(conn, resolved):
            value = _UNINDEXED_SORT_VALUE
        where += [value_condition(value, op, v) for op, v in resolved.value_range]
    return where, alternatives


def _stated_ranges(
    resolved: _Resolution, where: list[ColumnElement[bool]]
) -> tuple[list[ColumnElement[bool]], list[_Range]]:
    """The stated-date filters as ranges of the stated sort key (the first day a date
    covers), for a page in stated-date order.

    A bound the key implies for every dated claim leaves the WHERE (undated claims, sorted as
    9999-12-31, are kept out by `stated_on IS NOT NULL`): the upper bound on the interval's
    start is `key <= to`, and the lower bound is implied in a range whose keys are all on or
    after it (the range from the first of from's month, when from is the first). Kept, the
    bounds led PostgreSQL to AND a bitmap of their span index into the ordered index range
    (`metric + March` read 157 claims for a page of 10, and 1.7 of 4.3 ms at 200,000)."""
    c, f = claim_t.c, resolved.filters
    within = f.date_match == DateMatch.within
    ranges = [_Range([])]
    moved: list[ColumnElement[bool]] = []
    if f.stated_to is not None:
        where = [*where, c.sort_stated <= f.stated_to]
        if not within:  # within bounds the interval's end, which the key does not imply
            moved += resolved.by_filter["stated_to"]
    if f.stated_from is not None:
        if within:
            ranges = [_Range([c.sort_stated >= f.stated_from], lowest=f.stated_from)]
        else:
            ranges = _reaching(c.sort_stated, f.stated_from)
        lower = resolved.by_filter["stated_from"]
        for r in ranges:
            if r.lowest < f.stated_from:
                r.conditions += lower
        moved += lower
    if moved:
        ids = {id(condition) for condition in moved}
        where = [w for w in where if id(w) not in ids] + [c.stated_on.is_not(None)]
    return where, ranges


def _split(resolved: _Resolution) -> tuple[Any, list[str]] | None:
    """The repeated indexed filter with the fewest values, to merge one range per value."""
    repeated = [r for r in resolved.indexed if 1 < len(r[1]) <= MAX_MERGED_RANGES]
    return min(repeated, key=lambda r: len(r[1])) if repeated else None


def ordered_page(
    conn: Connection,
    resolved: _Resolution,
    select_rows: Callable[[], Select[Any]],
    column: Any,
    *,
    descending: bool = False,
    after: tuple[Any, str] | None = None,
    limit: int,
) -> list[Any]:
    """Up to `limit` rows of `select_rows()` in (column, id) order after the keyset position
    `after`."""
    conditions, ranges = page_conditions(conn, resolved, column)
    if after is not None:
        key = tuple_(column, claim_t.c.id)
        conditions.append(key < tuple_(*after) if descending else key > tuple_(*after))
        ranges = _after(ranges, after, descending)
        if not ranges:
            return []
    split = _split(resolved)
    per_value = [[split[0] == value] for value in split[1]] if split else [[]]
    alternatives = [a + r.conditions for a in per_value for r in ranges]
    if len(alternatives) == 1:
        order = (column.desc(), claim_t.c.id.desc()) if descending else (column, claim_t.c.id)
        query: Any = select_rows().where(*conditions, *alternatives[0]).order_by(*order)
    else:
        arms = [select_rows().where(*conditions, *extra) for extra in alternatives]
        if conn.dialect.name == "postgresql":
            # PostgreSQL plans each UNION ALL arm as a subquery for its total cost: without a
            # LIMIT of its own an arm reads every matching row and the outer LIMIT sorts them
            # all (35 ms vs 0.5 ms at 200k claims). SQLite merges the ordered arms as they are
            # and would sort each limited arm instead (tests/scale/test_query_plans.py).
            arm_order = (
                (column.desc(), claim_t.c.id.desc()) if descending else (column, claim_t.c.id)
            )
            arms = [select(*a.order_by(*arm_order).limit(limit).subquery().c) for a in arms]
        # A compound's ORDER BY refers to its result columns, here by position ("id" alone
        # would be ambiguous between the joined tables). Every arm selects what `select_rows()`
        # does, whose column collection is computed once (an arm's would be computed anew).
        keys = list(select_rows().selected_columns.keys())
        by: ColumnElement[Any] = literal_column(str(keys.index(column.key) + 1))
        by_id: ColumnElement[Any] = literal_column(str(keys.index("id") + 1))
        order = (by.desc(), by_id.desc()) if descending else (by, by_id)
        query = sql_union_all(*arms).order_by(*order)
    return list(conn.execute(query.limit(limit)).all())
