"""Runtime configuration, read from the environment (and an optional `.env` file)."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'data' / 'facts.db'}",
        description="SQLAlchemy URL. SQLite (default) or postgresql+psycopg://...",
    )
    seeds_dir: Path = Field(default=PROJECT_ROOT / "seeds", description="Seed dataset folder.")
    cache_max_age: int = Field(
        default=300, ge=0, description="Seconds clients and proxies may cache a GET response."
    )
    response_cache_bytes: int = Field(
        default=64 << 20,
        ge=0,
        description="Memory for the in-process LRU of complete responses; 0 turns it off.",
    )
    max_active_requests: int = Field(
        default=8,
        ge=1,
        description="Requests worked on at once (not counting /health and cached answers); "
        "the rest wait their turn, keeping the cheap ones fast under load.",
    )
    long_query_slots: int = Field(
        default=2,
        ge=1,
        description="Long queries (q, counts, ranges, facets, series, search, disagreements) "
        "run at once on worker threads. Fewer threads leave the event loop more of the GIL: on "
        "2 cores the soak's /health p99 was 128-219 ms with 4, 86-106 ms with 2, 56-70 ms with 1.",
    )
    inline_budget_steps: int = Field(
        default=100_000,
        ge=1_000,
        le=100_000_000,
        description="SQLite: the VM steps a query not known to be long may take on the event "
        "loop (100,000 is 1-3 ms of SQLite work on a 2-core VM); past them it is interrupted "
        "and run again on a worker thread.",
    )
    worker_processes: bool = Field(
        default=True,
        description="Run long queries and export batches in worker processes (one per slot) "
        "rather than threads: a thread running Python makes the event loop wait for the GIL "
        "(app/api/workers.py). Off, they run on threads, as query functions patched in "
        "tests need.",
    )
    export_slots: int = Field(
        default=1, ge=1, description="Threads reading export batches at once (each a few ms)."
    )
    max_exports: int = Field(
        default=32,
        ge=1,
        description="Streaming exports served at once; past this a request gets a 503.",
    )
    sqlite_mmap_bytes: int = Field(
        default=1 << 30, ge=0, description="PRAGMA mmap_size for read-only SQLite connections."
    )

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
