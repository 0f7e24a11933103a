"""PostgreSQL specifics: collations, the full-text index, read-only connections and the
all-or-nothing load. Runs only when TEST_DATABASE_URL is a PostgreSQL URL."""

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel

from app.db import create_read_engine, create_write_engine
from app.loader import write
from app.loader.build import build_dataset
from app.loader.parse import parse_seeds
from app.main import create_app
from app.models import Claim
from app.queries import search
from app.queries.claim_filters import parse_claim_filters
from app.queries.claims import get_claim, list_claims
from app.queries.series import metric_series
from app.queries.stats import dataset_version
from app.queries.version import VERSION_SQL, run_versioned
from app.settings import Settings
from tests.conftest import SEEDS, load
from tests.loader.test_seed_script import STEM_003, edit

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="needs TEST_DATABASE_URL=postgresql+psycopg://... (scripts/test.sh sets it)",
)


@pytest.fixture
def read_engine(database_url: str) -> Iterator[Engine]:
    engine = create_read_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def scratch_url(database_url: str) -> Iterator[str]:
    """A fresh, empty database on the same server (dropped afterwards)."""
    name = f"scratch_{uuid.uuid4().hex[:12]}"
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0'))
    except DBAPIError as exc:
        admin.dispose()
        pytest.skip(f"cannot create a scratch database: {exc.orig}")
    url = make_url(database_url).set(database=name)
    yield url.render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def _collated_columns() -> list[tuple[str, str]]:
    """(table, column) of every model column declared with the "C" collation on PostgreSQL."""
    found = []
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            variant = getattr(column.type, "_variant_mapping", {}).get("postgresql")
            if getattr(variant, "collation", None) == "C":
                found.append((table.name, column.name))
    return found


def test_every_id_column_sorts_bytewise_whatever_the_database_collation(
    read_engine: Engine,
) -> None:
    declared = _collated_columns()
    assert ("claim", "id") in declared and ("entity_alias", "alias") in declared
    with read_engine.connect() as conn:
        actual = {
            (r.table_name, r.column_name): r.collation_name
            for r in conn.execute(
                text(
                    "SELECT table_name, column_name, collation_name FROM "
                    "information_schema.columns WHERE table_schema = current_schema()"
                )
            )
        }
        # The point of it: "air-defence" before "aircraft", as in SQLite, also on a
        # database whose default collation ignores hyphens.
        ids = (
            conn.execute(
                select(Claim.__table__.c.id)  # type: ignore[attr-defined]
                .where(Claim.__table__.c.id.like("general-staff-russian-air%"))  # type: ignore[attr-defined]
                .order_by(Claim.__table__.c.id)  # type: ignore[attr-defined]
            )
            .scalars()
            .all()
        )
    assert {column: actual[column] for column in declared} == {column: "C" for column in declared}
    assert ids == sorted(ids)


def test_full_text_search_uses_the_gin_index(read_engine: Engine) -> None:
    """The queries use the document expression, and that expression is the index's."""

    def run(conn: Any) -> None:
        search.search(conn, q="North Korean sold*", kinds=[], limit=5, offset=0)
        conn.execute(search.claim_ids_matching(conn, q="North Korean sold*")).all()

    statements: list[str] = []

    def capture(*args: Any) -> None:
        statements.append(args[2].replace("%%", "%"))  # as pyformat escapes it

    with read_engine.connect() as conn:
        event.listen(read_engine, "before_cursor_execute", capture)
        run(conn)
        event.remove(read_engine, "before_cursor_execute", capture)
        conn.execute(text("SET enable_seqscan = off"))
        plan = conn.execute(
            text(
                "EXPLAIN SELECT id FROM search_document WHERE "
                f"{search.pg_document('search_document')} @@ to_tsquery(:config, :q)"
            ),
            {
                "config": search.PG_CONFIG,
                "q": search.pg_tsquery(search.build_query("North Korean sold*", {})),
            },
        ).scalars()
        assert "ix_search_document_tsv_stored" in "\n".join(plan)
    # Each query first looks up its synonyms and aliases (small tables), then searches.
    searches = [s for s in statements if "search_document" in s]
    assert len(searches) == 2, statements
    assert search.pg_document("d") in searches[0]
    assert search.pg_document("search_document") in searches[1]


def test_the_api_connections_cannot_write(read_engine: Engine) -> None:
    with read_engine.connect() as conn, pytest.raises(DBAPIError, match="read-only"):
        conn.execute(text("DELETE FROM claim"))


def _counts(url: str) -> dict[str, Any]:
    engine = create_read_engine(url)
    with engine.connect() as conn:
        counts: dict[str, Any] = {
            name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for name, table in SQLModel.metadata.tables.items()
        }
        counts["version"] = dataset_version(conn)
    engine.dispose()
    return counts


def test_a_failed_load_leaves_the_previous_data(
    scratch_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset = build_dataset(parse_seeds(SEEDS))
    write.write_dataset(dataset, scratch_url)
    before = _counts(scratch_url)
    assert before["claim"] > 0 and before["search_document"] > 0
    write.write_dataset(dataset, scratch_url)
    assert _counts(scratch_url) == before  # loading twice gives the same database

    real_insert = write._insert

    def insert_then_fail(connection: Any, data: Any) -> None:
        real_insert(connection, data)  # every table truncated and refilled ...
        raise RuntimeError("killed mid-load")  # ... then the load dies before COMMIT

    monkeypatch.setattr(write, "_insert", insert_then_fail)
    with pytest.raises(RuntimeError, match="killed mid-load"):
        write.write_dataset(dataset, scratch_url)
    assert _counts(scratch_url) == before


def test_a_failed_first_load_leaves_no_schema_behind(
    scratch_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(connection: Any, data: Any) -> None:
        raise RuntimeError("killed mid-load")

    monkeypatch.setattr(write, "_insert", fail)
    with pytest.raises(RuntimeError, match="killed mid-load"):
        write.write_dataset(build_dataset(parse_seeds(SEEDS)), scratch_url)
    engine = create_write_engine(scratch_url)
    with engine.connect() as conn:
        tables = conn.execute(
            text("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")
        ).scalar_one()
    engine.dispose()
    assert tables == 0  # the migrations ran in the same transaction, and rolled back


def test_migrations_run_on_an_empty_database_and_are_idempotent(scratch_url: str) -> None:
    engine = create_write_engine(scratch_url)
    for _ in range(2):
        with engine.begin() as conn:
            write.migrate(conn)
    with engine.connect() as conn:
        config = conn.execute(
            text("SELECT count(*) FROM pg_ts_config WHERE cfgname = :name"),
            {"name": search.PG_CONFIG},
        ).scalar_one()
    engine.dispose()
    assert config == 1


def test_the_api_needs_only_select_rights(scratch_url: str) -> None:
    load(SEEDS, scratch_url)
    role = f"reader_{uuid.uuid4().hex[:8]}"
    admin = create_engine(scratch_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD 'reader'"))
        conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {role}"))
        conn.execute(text(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}"))
    reader_url = make_url(scratch_url).set(username=role, password="reader")
    try:
        app = create_app(Settings(database_url=reader_url.render_as_string(hide_password=False)))
        with TestClient(app) as client:
            for path in (
                "/v1/claims?speaker=syrsky&count=true",
                "/v1/claims/facets",
                "/v1/search?q=North+Korean",
                "/v1/metrics/personnel-casualties/series",
                "/v1/export/claims.csv",
            ):
                assert client.get(path).status_code == 200, path
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP OWNED BY {role}"))
            conn.execute(text(f"DROP ROLE {role}"))
        admin.dispose()


def test_a_reload_is_served_without_a_restart(scratch_url: str, seeds_copy: Path) -> None:
    claim = "/v1/claims/general-staff-russian-prisoners-2025-02-05"
    load(seeds_copy, scratch_url)
    with TestClient(create_app(Settings(database_url=scratch_url))) as client:
        client.app.state.dataset.check_seconds = 0  # type: ignore[attr-defined]
        before = client.get(claim)
        edit(
            seeds_copy,
            STEM_003,
            "id: general-staff-russian-prisoners-2025-02-05",
            "id: general-staff-russian-prisoners-2025-02-05\n    note: Re-read after a reload.",
        )
        load(seeds_copy, scratch_url)
        after = client.get(claim)
        assert after.json()["note"] == "Re-read after a reload."
        assert after.headers["etag"] != before.headers["etag"]


def test_connections_the_server_cut_are_replaced_without_an_error(scratch_url: str) -> None:
    """No pre-ping: a query on a pooled connection the server has closed (a restart, an
    idle timeout) runs again on a fresh one, and the client never sees it."""
    load(SEEDS, scratch_url)
    paths = [f"/v1/claims?speaker=syrsky&limit={n}" for n in range(1, 6)] + [
        "/v1/claims/general-staff-russian-prisoners-2025-02-05",
        "/health",
    ]
    app = create_app(Settings(database_url=scratch_url, response_cache_bytes=0))
    admin = create_engine(scratch_url, isolation_level="AUTOCOMMIT")
    try:
        with TestClient(app) as client:
            assert all(client.get(path).status_code == 200 for path in paths)
            with admin.connect() as conn:
                cut = conn.execute(
                    text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                ).scalar_one()
            assert cut >= 1
            statuses = [client.get(path).status_code for path in paths]
            assert statuses == [200] * len(paths)
            assert (
                client.get("/v1/claims/general-staff-russian-prisoners-2025-02-05").json()["value"]
                == 909
            )
    finally:
        admin.dispose()


def test_prepared_statements_outlive_a_request(database_url: str) -> None:
    """Requests end their read transaction with COMMIT: a ROLLBACK makes psycopg drop its
    prepared statements, and PostgreSQL plans every statement again (most of a claim by
    id's time)."""
    engine = create_read_engine(database_url, pool_size=1)
    try:
        for _ in range(8):
            _, claim = run_versioned(
                engine, get_claim, {"claim_id": "general-staff-russian-prisoners-2025-02-05"}
            )
            assert claim["value"] == 909
        with engine.connect() as conn:
            prepared = (
                conn.execute(text("SELECT statement FROM pg_prepared_statements")).scalars().all()
            )
    finally:
        engine.dispose()
    assert any("FROM claim JOIN metric" in statement for statement in prepared), prepared


def test_a_request_reads_the_dataset_version_once(database_url: str) -> None:
    """The version is read at the start of a run's transaction and kept for the run: the
    filters' name lookups (per dataset version) asked for it again, a round trip each."""
    engine = create_read_engine(database_url, pool_size=1)
    statements: list[str] = []
    event.listen(
        engine,
        "before_cursor_execute",
        lambda _conn, _cursor, statement, *_: statements.append(statement),
    )
    try:
        filters = parse_claim_filters({"metric": ["prisoners-captured"], "speaker": ["syrsky"]})
        run_versioned(engine, list_claims, {"filters": filters, "limit": 5})
        run_versioned(
            engine, metric_series, {"metric_id": "prisoners-captured", "filters": filters}
        )
    finally:
        engine.dispose()
    assert sum(statement == VERSION_SQL for statement in statements) == 2, statements
