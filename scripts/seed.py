"""Migrate the database and load `seeds/` into it, all or nothing.

    python scripts/seed.py            # validate, migrate, load (DATABASE_URL or the default)
    python scripts/seed.py --check    # validate only; writes nothing

Exit status 0 on success, 1 with one `file:line: field: reason` line per problem.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.loader.build import build_dataset
from app.loader.errors import SeedValidationError
from app.loader.parse import parse_seeds
from app.loader.write import write_dataset
from app.settings import get_settings


def main(argv: list[str] | None = None) -> int:
    settings = get_settings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="validate only, write nothing")
    parser.add_argument("--seeds", type=Path, default=settings.seeds_dir, help="seed folder")
    parser.add_argument("--database-url", default=settings.database_url, help="target database")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        dataset = build_dataset(parse_seeds(args.seeds))
    except SeedValidationError as exc:
        for error in exc.errors:
            print(error, file=sys.stderr)
        print(f"seed: {len(exc.errors)} error(s); nothing was written", file=sys.stderr)
        return 1
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
    write_dataset(dataset, args.database_url)
    elapsed = time.perf_counter() - started
    print(f"seed: loaded {counts}; version {dataset.version} in {elapsed:.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
