"""The application: routers, error handlers, caching and CORS over a read-only database."""

import gc
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from app.api.admission import AdmissionMiddleware
from app.api.caching import HttpCacheMiddleware
from app.api.database import QUICK_SLOTS, QueryRunner
from app.api.dataset import ServedDataset
from app.api.docs import install_docs
from app.api.edges import HeadMiddleware, ProblemCorsMiddleware, RelativeRedirectMiddleware
from app.api.errors import OVERLOADED, install_error_handlers
from app.api.routes import analysis, claims, events, export, meta, sources, vocabulary
from app.db import (
    DatabaseMissingError,
    check_schema,
    create_async_read_engine,
    create_read_engine,
)
from app.explorer import router as explorer
from app.queries.version import tag_connections_with_version
from app.settings import Settings, get_settings

DESCRIPTION = """\
Claims made about the 2024–2025 Kursk operation, each traceable to a speaker, a date and a
verbatim quote in a stored source.

* **Claims** carry a metric, subject, speaker, value with qualifier and [low, high] band,
  reference period and stated date (each with precision), and citations with offsets.
* Lists return `{"items": [...], "next_cursor": ...}`; pass `cursor` to page, `count=true`
  for an exact `total`.
* Errors are `application/problem+json` (RFC 9457). A query parameter is never ignored:
  an unknown one, an empty value, or a second value of a parameter that takes one is a 422
  naming it.
* Responses carry an `ETag` derived from the dataset version; send `If-None-Match`
  (compared weakly). Every GET also answers HEAD.
"""

TAGS = [
    {"name": "claims", "description": "Who claimed what figure, when, quoted where."},
    {"name": "metrics", "description": "The vocabulary of what is measured; time series."},
    {"name": "speakers", "description": "Entities that made claims."},
    {"name": "entities", "description": "All people, organisations and forces."},
    {"name": "sources", "description": "Stored documents and their texts."},
    {"name": "events", "description": "Dated happenings the claims refer to."},
    {"name": "analysis", "description": "Search across everything; where speakers disagree."},
    {"name": "export", "description": "Bulk downloads of filtered claims."},
    {"name": "meta", "description": "Health and dataset statistics."},
]


def _operation_id(route: APIRoute) -> str:
    return route.operation_id or route.name


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    url, inline = settings.database_url, settings.is_sqlite
    engine = create_read_engine(
        url,
        mmap_bytes=settings.sqlite_mmap_bytes,
        pool_size=QueryRunner.pool_size(inline=inline, long_slots=settings.long_query_slots),
    )
    check_schema(engine, url)
    engine.dispose()
    # Exports read without mmap: a full export must not map the whole file into the process.
    export_engine = create_read_engine(url, mmap_bytes=0, pool_size=settings.export_slots + 1)
    if inline:
        tag_connections_with_version(engine)
        tag_connections_with_version(export_engine)
    dataset = ServedDataset([engine, export_engine], url)
    async_engine = None if inline else create_async_read_engine(url, pool_size=QUICK_SLOTS)
    queries = QueryRunner(
        engine,
        inline=inline,
        export_engine=export_engine,
        long_slots=settings.long_query_slots,
        export_slots=settings.export_slots,
        max_exports=settings.max_exports,
        inline_budget_steps=settings.inline_budget_steps,
        processes=settings.worker_processes,
        database_url=url,
        mmap_bytes=settings.sqlite_mmap_bytes,
        async_engine=async_engine,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # What is built by now lives as long as the process: moving it out of the cyclic
        # collector's reach spares every full collection a pass over it (measured at 1M
        # claims: a gen-2 pass took 80-90 ms, the p99 of a single connection).
        gc.freeze()
        queries.start_workers()
        yield
        engine.dispose()
        export_engine.dispose()
        if async_engine is not None:
            await async_engine.dispose()

    app = FastAPI(
        title="Kursk Fact Database",
        description=DESCRIPTION,
        version="1.0.0",
        openapi_tags=TAGS,
        lifespan=lifespan,
        generate_unique_id_function=_operation_id,
        # Any request may find the server busy or its database unreadable.
        responses=OVERLOADED,
        separate_input_output_schemas=False,
        docs_url=None,
        redoc_url=None,
    )
    install_docs(app)
    app.state.engine = engine
    app.state.dataset = dataset
    app.state.queries = queries
    app.state.health = meta.HealthCheck()
    install_error_handlers(app)
    for router in (
        claims.router,
        vocabulary.metrics_router,
        vocabulary.speakers_router,
        vocabulary.entities_router,
        sources.router,
        events.router,
        analysis.router,
        export.router,
        meta.router,
        explorer.router,
    ):
        app.include_router(router)
    app.mount(explorer.STATIC_URL, StaticFiles(directory=explorer.STATIC_DIR), name="explorer")
    # Inside the cache: an answer from memory is never held back.
    app.add_middleware(AdmissionMiddleware, limit=settings.max_active_requests)
    app.add_middleware(
        HttpCacheMiddleware,
        dataset=dataset,
        max_age=settings.cache_max_age,
        max_bytes=settings.response_cache_bytes,
    )
    app.add_middleware(RelativeRedirectMiddleware)
    app.add_middleware(HeadMiddleware)
    app.add_middleware(
        ProblemCorsMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD", "OPTIONS"],
        allow_headers=["If-None-Match"],
        expose_headers=["ETag", "X-Row-Count", "X-Dataset-Version"],
    )
    return app


def __getattr__(name: str) -> FastAPI:
    # `uvicorn app.main:app` builds the app on first access, not at import time, so that
    # tests and scripts can import this module before a database exists.
    if name == "app":
        try:
            return create_app()
        except DatabaseMissingError as exc:
            # One line that says what to run, not a traceback through uvicorn's loader.
            print(f"kursk-api: {exc}", file=sys.stderr)
            raise SystemExit(1) from None
    raise AttributeError(name)
