"""At scale, every filter and sort of `/v1/claims` walks an index in order.

A synthetic dataset (scripts/generate.py, loaded by the real loader, ANALYZEd) is built once
per module. For each (filter, sort) the SQL that `list_claims` actually runs is captured and
`EXPLAIN QUERY PLAN` must show neither a full scan of `claim` nor a temp B-tree for the ORDER
BY. Exceptions, by design: filters whose matches come from another table's index (`source`
through the citations, `q` through FTS5) and value ranges proven narrow fetch the matching
claims by key and sort only those. Pages must equal what a plain query returns, and a deep
keyset page must cost what the first one costs (counted in SQLite VM steps, not time).

SCALE_CLAIMS sets the size (default 100,000; tests/scale/conftest.py).
"""

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, event, select

from app.db import create_read_engine
from app.qualifiers import Qualifier
from app.queries.claim_filters import ClaimFilters, claim_t, filter_conditions
from app.queries.claims import list_claims
from app.queries.keyset import SORT_COLUMNS, ClaimSort
from app.queries.pagination import encode_cursor

pytestmark = pytest.mark.scale
ON_POSTGRESQL = os.environ.get("TEST_DATABASE_URL", "sqlite").startswith("postgresql")

PAGE = 50


@dataclass
class Case:
    name: str
    filters: ClaimFilters
    # The claims are fetched by key from another index and only they are sorted.
    bounded: str | None = None
    sorts: list[ClaimSort] = field(default_factory=lambda: list(ClaimSort))


@pytest.fixture(scope="module")
def engine(scale_db: Path) -> Iterator[Engine]:
    engine = create_read_engine(f"sqlite:///{scale_db}")
    yield engine
    engine.dispose()


def _one(conn: Connection, sql: str) -> Any:
    return conn.exec_driver_sql(sql).scalar_one()


@pytest.fixture(scope="module")
def cases(engine: Engine) -> list[Case]:
    with engine.connect() as conn:
        by_count = (
            "SELECT {col} FROM claim WHERE {col} IS NOT NULL GROUP BY 1 ORDER BY count(*) {d}, 1"
        )
        top_speaker = _one(conn, by_count.format(col="speaker_id", d="DESC") + " LIMIT 1")
        rare_speaker = _one(conn, by_count.format(col="speaker_id", d="ASC") + " LIMIT 1")
        rare_metric = _one(conn, by_count.format(col="metric_id", d="ASC") + " LIMIT 1")
        events = conn.exec_driver_sql(by_count.format(col="event_id", d="DESC") + " LIMIT 2")
        top_event, other_event = events.scalars().all()
        source = _one(conn, "SELECT source_id FROM citation ORDER BY source_id LIMIT 1 OFFSET 77")
        exact_value = _one(conn, "SELECT value FROM claim WHERE value > 1000 LIMIT 1")
    march: dict[str, Any] = {"stated_from": date(2025, 3, 1), "stated_to": date(2025, 3, 31)}
    return [
        Case("no filter", ClaimFilters()),
        Case("metric", ClaimFilters(metric=["uav-losses"])),
        Case("rare metric", ClaimFilters(metric=[rare_metric])),
        Case("two metrics", ClaimFilters(metric=["uav-losses", "tank-losses"])),
        Case(
            "metric with narrower",
            ClaimFilters(metric=["equipment-losses"], include_narrower=True),
        ),
        Case("top speaker", ClaimFilters(speaker=[top_speaker])),
        Case("rare speaker", ClaimFilters(speaker=[rare_speaker])),
        Case("two speakers", ClaimFilters(speaker=[top_speaker, rare_speaker])),
        Case("subject", ClaimFilters(subject=["dprk-forces"])),
        Case("event", ClaimFilters(event=[top_event])),
        Case("two events", ClaimFilters(event=[top_event, other_event])),
        Case("qualifier", ClaimFilters(qualifier=[Qualifier.range])),
        Case("two qualifiers", ClaimFilters(qualifier=[Qualifier.at_most, Qualifier.range])),
        Case("stated month", ClaimFilters(**march)),
        Case(
            "stated day",
            ClaimFilters(stated_from=date(2025, 3, 5), stated_to=date(2025, 3, 5)),
        ),
        Case("stated from", ClaimFilters(stated_from=date(2025, 10, 1))),
        Case("stated from mid-month", ClaimFilters(stated_from=date(2025, 3, 17))),
        Case("stated from new year", ClaimFilters(stated_from=date(2025, 1, 1))),
        Case(
            "period month",
            ClaimFilters(period_from=date(2025, 3, 1), period_to=date(2025, 3, 31)),
        ),
        Case("period from", ClaimFilters(period_from=date(2025, 6, 1))),
        Case("period to", ClaimFilters(period_to=date(2024, 12, 31))),
        Case("wide value range", ClaimFilters(min_value=1000, max_value=2000)),
        Case("min value", ClaimFilters(min_value=10)),
        Case(
            "exact value",
            ClaimFilters(min_value=exact_value, max_value=exact_value),
            bounded="value",
        ),
        Case("metric + stated month", ClaimFilters(metric=["personnel-casualties"], **march)),
        Case("speaker + wide value range", ClaimFilters(speaker=[top_speaker], min_value=100)),
        Case(
            "two metrics + subject + qualifier",
            ClaimFilters(
                metric=["killed", "wounded"],
                subject=["russian-forces"],
                qualifier=[Qualifier.exact],
            ),
        ),
        Case("source", ClaimFilters(source=[source]), bounded="key"),
        Case("full text", ClaimFilters(q="helicopters"), bounded="key"),
    ]


class Captured:
    """The page query `list_claims` sends (the one selecting the joined claim rows)."""

    def __init__(self, engine: Engine) -> None:
        self.statements: list[tuple[str, Any]] = []
        event.listen(engine, "before_cursor_execute", self._capture)
        self.engine = engine

    def _capture(self, _conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        self.statements.append((statement, params))

    def page_query(self) -> tuple[str, Any]:
        pages = [(s, p) for s, p in self.statements if "metric_name" in s and "LIMIT" in s]
        assert len(pages) == 1, [s for s, _ in self.statements]
        return pages[0]

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._capture)


def explain(conn: Connection, statement: str, params: Any) -> list[str]:
    return [row[3] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params)]


def reference_page(
    conn: Connection, filters: ClaimFilters, sort: ClaimSort, limit: int
) -> list[str]:
    """The same page by the plainest query: the filters, ORDER BY, LIMIT."""
    column = SORT_COLUMNS[sort.value.lstrip("-")]
    desc = sort.value.startswith("-")
    order = (column.desc(), claim_t.c.id.desc()) if desc else (column, claim_t.c.id)
    query = select(claim_t.c.id).where(*filter_conditions(conn, filters))
    return list(conn.execute(query.order_by(*order).limit(limit)).scalars())


def check_plan(case: Case, sort: ClaimSort, plan: list[str]) -> list[str]:
    """What is wrong with a plan, if anything."""
    problems = []
    text = " | ".join(plan)
    if any(re.match(r"SCAN claim\b", line) and " INDEX " not in line for line in plan):
        problems.append("full scan of claim")
    if "USE TEMP B-TREE FOR ORDER BY" in text:
        if case.bounded == "key":
            if not re.search(r"SEARCH claim USING (COVERING )?INDEX sqlite_autoindex_claim", text):
                problems.append("sorts claims that were not fetched by key")
        elif case.bounded == "value":
            if not re.search(r"SEARCH claim USING .*sort_value>\? AND sort_value<\?", text):
                problems.append("sorts claims that were not fetched by a value range")
        else:
            problems.append("temp B-tree for ORDER BY")
    return problems


def test_every_filter_and_sort_walks_an_index_in_order(engine: Engine, cases: list[Case]) -> None:
    report, failures = [], []
    captured = Captured(engine)
    try:
        for case in cases:
            for sort in case.sorts:
                captured.statements.clear()
                with engine.connect() as conn:
                    page = list_claims(conn, filters=case.filters, sort=sort, limit=PAGE)
                    plan = explain(conn, *captured.page_query())
                    expected = reference_page(conn, case.filters, sort, PAGE)
                got = [item["id"] for item in page["items"]]
                if got != expected:
                    failures.append(f"{case.name} / {sort.value}: not the plain query's page")
                problems = check_plan(case, sort, plan)
                line = f"{case.name} / {sort.value}: {' | '.join(plan)}"
                report.append(line)
                failures += [f"{case.name} / {sort.value}: {p}\n    {line}" for p in problems]
                assert case.bounded or got, f"{case.name} / {sort.value}: no rows, a weak test"
    finally:
        captured.close()
    print("\n".join(report))  # shown with -s or on failure
    assert not failures, "\n".join(failures)


DEEP_CASES = [
    # (name, filters, sort, SQL for the matching rows in that order)
    ("no filter", ClaimFilters(), ClaimSort.stated_on, ""),
    ("no filter", ClaimFilters(), ClaimSort.value_desc, ""),
    ("metric", ClaimFilters(metric=["uav-losses"]), ClaimSort.period_end, "metric_id='uav-losses'"),
    (
        "subject",
        ClaimFilters(subject=["russian-forces"]),
        ClaimSort.stated_on_desc,
        "subject_id = 'russian-forces'",
    ),
    (
        "two metrics",
        ClaimFilters(metric=["killed", "wounded"]),
        ClaimSort.value,
        "metric_id IN ('killed', 'wounded')",
    ),
    (
        "stated from mid-month",
        ClaimFilters(stated_from=date(2024, 12, 17)),
        ClaimSort.stated_on,
        "stated_span_end >= '2024-12-17'",
    ),
]


def vm_steps(conn: Connection, run: Any) -> int:
    """SQLite virtual-machine steps (in units of 100) that `run()` costs on this connection."""
    steps = 0

    def tick() -> int:
        nonlocal steps
        steps += 1
        return 0

    raw = conn.connection.driver_connection
    raw.set_progress_handler(tick, 100)  # type: ignore[union-attr]
    try:
        run()
    finally:
        raw.set_progress_handler(None, 100)  # type: ignore[union-attr]
    return steps


@pytest.mark.parametrize(("name", "filters", "sort", "where"), DEEP_CASES)
def test_a_deep_keyset_page_costs_what_the_first_costs(
    engine: Engine, name: str, filters: ClaimFilters, sort: ClaimSort, where: str
) -> None:
    column = SORT_COLUMNS[sort.value.lstrip("-")].name
    direction = "DESC" if sort.value.startswith("-") else "ASC"
    with engine.connect() as conn:
        total = _one(conn, f"SELECT count(*) FROM claim WHERE {where or '1'}")
        depth = total * 4 // 5
        assert depth > 10 * PAGE, f"{name}: too few claims for a deep page"
        value, last_id = conn.exec_driver_sql(
            f"SELECT {column}, id FROM claim WHERE {where or '1'} "
            f"ORDER BY {column} {direction}, id {direction} LIMIT 1 OFFSET {depth - 1}"
        ).one()
        cursor = encode_cursor(sort.value, value, last_id)
        first: dict[str, Any] = {}
        deep: dict[str, Any] = {}

        def run_first() -> None:
            first.update(list_claims(conn, filters=filters, sort=sort, limit=PAGE))

        def run_deep() -> None:
            deep.update(list_claims(conn, filters=filters, sort=sort, limit=PAGE, cursor=cursor))

        first_cost, deep_cost = vm_steps(conn, run_first), vm_steps(conn, run_deep)
        expected = conn.exec_driver_sql(
            f"SELECT id FROM claim WHERE {where or '1'} "
            f"ORDER BY {column} {direction}, id {direction} LIMIT {PAGE} OFFSET {depth}"
        ).scalars()
        assert [item["id"] for item in deep["items"]] == list(expected)
    assert len(first["items"]) == len(deep["items"]) == PAGE
    # The same work within a margin (a deep page may cross more index pages, a merge of two
    # ranges may read a few more rows), nowhere near the `depth` rows an OFFSET would skip.
    assert deep_cost <= first_cost * 1.5 + 20, (name, sort.value, first_cost, deep_cost, depth)


@pytest.mark.parametrize(
    ("filters", "sort"),
    [
        (ClaimFilters(metric=["killed", "wounded"], stated_from=date(2025, 3, 17)), "stated_on"),
        (ClaimFilters(metric=["killed", "wounded"], stated_from=date(2025, 3, 17)), "-stated_on"),
        (
            ClaimFilters(speaker=["general-staff-ukraine"], period_from=date(2025, 2, 9)),
            "period_end",
        ),
        (ClaimFilters(subject=["dprk-forces"], period_from=date(2025, 2, 9)), "-period_end"),
    ],
)
def test_paging_through_merged_ranges_visits_every_claim_once(
    engine: Engine, filters: ClaimFilters, sort: str
) -> None:
    """Cursors across the ranges of a merged page give exactly the plain query's order."""
    with engine.connect() as conn:
        expected = reference_page(conn, filters, ClaimSort(sort), 10**9)
        seen: list[str] = []
        cursor = None
        while True:
            page = list_claims(conn, filters=filters, sort=ClaimSort(sort), limit=97, cursor=cursor)
            seen += [item["id"] for item in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
    assert len(expected) > 97 * 3
    assert seen == expected


# --- PostgreSQL --------------------------------------------------------------------------
# The plan of a page on PostgreSQL, checked by what it reads: EXPLAIN ANALYZE's rows read
# from `claim` (returned + removed by a filter or a recheck, over all loops). An ordered index
# walk reads about a page per merged range; a bitmap scan + sort reads every matching row.
PG_SCALE_CLAIMS = int(os.environ.get("PG_SCALE_CLAIMS", "20000"))
PG_PAGE = 10
# Merged pages (a UNION ALL of ordered ranges): PostgreSQL plans each arm as a subquery on
# its own, for its total cost, so without a LIMIT of its own an arm fetched every matching
# row (bitmap scan, hash joins) and the outer LIMIT sorted them all: at 200k claims, metric +
# March read 3,300 rows in 35 ms. keyset.ordered_page gives each arm `ORDER BY <sort>, id
# LIMIT n` on PostgreSQL (wrapped in a subquery), which walks ix_claim_metric_sort_stated_id
# in order in a Merge Append: 52 rows, 0.5 ms. No new index helps a subquery planned for
# total cost. (Metric + one stated month is left out: at this size PostgreSQL rightly reads
# and sorts the month's ~150 rows per arm, within its LIMIT; at 200k it walks the index.)


@pytest.fixture(scope="module")
def pg_scale_url() -> Iterator[str]:
    """A generated dataset in a scratch database on the PostgreSQL test server."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from app.loader.build import build_dataset
    from app.loader.write import write_dataset
    from scripts.generate import generate
    from tests.scale.conftest import SCALE_SEED

    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        pytest.skip("PostgreSQL plans: run in the PostgreSQL pass")
    name = f"scale_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0'))
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    try:
        generated = generate(claims=PG_SCALE_CLAIMS, seed=SCALE_SEED)
        write_dataset(build_dataset(generated.seeds), url)  # ends with ANALYZE
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def claim_rows_read(plan: dict[str, Any]) -> int:
    """Rows a plan read from `claim`: returned plus removed, over all loops, in every node."""
    read = 0
    if plan.get("Relation Name") == "claim":
        loops = plan.get("Actual Loops", 1)
        removed = plan.get("Rows Removed by Filter", 0) + plan.get(
            "Rows Removed by Index Recheck", 0
        )
        read += (plan.get("Actual Rows", 0) + removed) * loops
    for child in plan.get("Plans", []):
        read += claim_rows_read(child)
    return read


def plan_nodes(plan: dict[str, Any]) -> list[str]:
    here = f"{plan['Node Type']} {plan.get('Index Name') or plan.get('Relation Name') or ''}"
    return [here.strip()] + [n for child in plan.get("Plans", []) for n in plan_nodes(child)]


MARCH: dict[str, Any] = {"stated_from": date(2025, 3, 1), "stated_to": date(2025, 3, 31)}
PG_CASES = [
    # (name, filters, sort, merged ranges)
    ("metric", ClaimFilters(metric=["personnel-casualties"]), "stated_on", 1),
    # From the first of a month, the range of first days implies the lower bound: no bitmap
    # of the span index is ANDed in (see keyset._bound_into_ranges).
    ("metric + March", ClaimFilters(metric=["personnel-casualties"], **MARCH), "stated_on", 2),
    ("metric + March, latest first", ClaimFilters(metric=["killed"], **MARCH), "-stated_on", 2),
    (
        "metric + January",
        ClaimFilters(
            metric=["personnel-casualties"],
            stated_from=date(2025, 1, 1),
            stated_to=date(2025, 1, 31),
        ),
        "stated_on",
        1,
    ),
    (
        "metric + stated from",
        ClaimFilters(metric=["personnel-casualties"], stated_from=date(2025, 3, 17)),
        "stated_on",
        2,
    ),
    ("two metrics", ClaimFilters(metric=["killed", "wounded"]), "-stated_on", 2),
]


@pytest.mark.parametrize(("name", "filters", "sort", "ranges"), PG_CASES)
def test_postgresql_pages_walk_an_index_in_order(
    pg_scale_url: str, name: str, filters: ClaimFilters, sort: str, ranges: int
) -> None:
    engine = create_read_engine(pg_scale_url)
    captured = Captured(engine)
    try:
        with engine.connect() as conn:
            page = list_claims(conn, filters=filters, sort=ClaimSort(sort), limit=PG_PAGE)
            statement, params = captured.page_query()
            raw = conn.connection.driver_connection
            with raw.cursor() as cursor:  # type: ignore[union-attr]
                cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}", params)
                plan = cursor.fetchone()[0][0]["Plan"]
            matching = _one(
                conn,
                "SELECT count(*) FROM claim WHERE metric_id IN "
                f"({', '.join(repr(m) for m in filters.metric)})",
            )
    finally:
        captured.close()
        engine.dispose()
    assert len(page["items"]) == PG_PAGE, f"{name}: too few claims for a meaningful plan"
    read = claim_rows_read(plan)
    # A page per range plus what the date and value conditions filter out on the way.
    bound = 4 * (PG_PAGE + 1) * ranges
    print(f"{name}: read {read} of {matching} claims: {' > '.join(plan_nodes(plan))}")
    assert read <= bound, (name, read, bound, plan_nodes(plan))
    if filters.stated_from is not None and filters.stated_from.day == 1:
        assert not [n for n in plan_nodes(plan) if "span" in n], (name, plan_nodes(plan))
