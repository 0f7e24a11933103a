"""Migrate the database and load `seeds/` into it, all or nothing.

    python scripts/seed.py            # validate, migrate, load (DATABASE_URL or the default)
    python scripts/seed.py --check    # validate only; writes nothing

Exit status 0 on success (warnings included), 1 with one `file:line: field: reason` line per
problem (the first 200, then how many more) and nothing written. Warnings print the same
way, with a count, and do not fail the load.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.loader.build import build_dataset
from app.loader.errors import SeedError, SeedValidationError
from app.loader.parse import parse_seeds
from app.loader.write import LOCK_WAIT_SECONDS, LoadLockedError, write_dataset
from app.settings import get_settings

MAX_PRINTED = 200  # errors, and warnings, printed before "... and N more"


def print_capped(findings: list[SeedError], what: str) -> None:
    for finding in findings[:MAX_PRINTED]:
        print(finding if what == "error" else f"warning: {finding}", file=sys.stderr)
    if len(findings) > MAX_PRINTED:
        print(f"... and {len(findings) - MAX_PRINTED:,} more {what}s", file=sys.stderr)


def report_warnings(warnings: list[SeedError]) -> None:
    if warnings:
        print_capped(warnings, "warning")
        print(f"seed: {len(warnings):,} warning(s)", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    settings = get_settings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="validate only, write nothing")
    parser.add_argument("--seeds", type=Path, default=settings.seeds_dir, help="seed folder")
    parser.add_argument("--database-url", default=settings.database_url, help="target database")
    parser.add_argument(
        "--wait",
        type=float,
        default=LOCK_WAIT_SECONDS,
        metavar="SECONDS",
        help="how long to wait for another load of the same database to finish "
        f"(default {LOCK_WAIT_SECONDS:g})",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        dataset = build_dataset(parse_seeds(args.seeds))
    except SeedValidationError as exc:
        report_warnings(exc.warnings)
        print_capped(exc.errors, "error")
        print(f"seed: {len(exc.errors):,} error(s); nothing was written", file=sys.stderr)
        return 1
    report_warnings(dataset.warnings)
    counts = ", ".join(
        f"{len(dataset.rows(table))} {label}"
        for table, label in (
            ("source", "sources"),
            ("claim", "claims"),
            ("event", "events"),
            ("entity", "entities"),
            ("metric", "metrics"),
        )
    )
    if args.check:
        print(f"seed: OK (check only): {counts}; version {dataset.version}")
        return 0
    try:
        write_dataset(dataset, args.database_url, lock_wait=args.wait)
    except LoadLockedError as exc:
        print(f"seed: {exc}; nothing was written", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - started
    print(f"seed: loaded {counts}; version {dataset.version} in {elapsed:.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
