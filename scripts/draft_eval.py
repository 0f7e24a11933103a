"""Draft every seed article from its text and compare with its curated YAML; do the same
for the fixture articles in tests/drafting/fixtures/. Prints one table each.

    uv run python scripts/draft_eval.py [--misses]
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.drafting.evaluate import evaluate_fixture, evaluate_seed, load_drafter, table
from app.settings import PROJECT_ROOT, get_settings

FIXTURES = PROJECT_ROOT / "tests" / "drafting" / "fixtures"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list every disagreement")
    parser.add_argument("--seeds", type=Path, default=get_settings().seeds_dir)
    args = parser.parse_args(argv)
    drafter = load_drafter(args.seeds)
    seeds = [evaluate_seed(drafter, p) for p in sorted((args.seeds / "sources").glob("*.txt"))]
    fixtures = [evaluate_fixture(drafter, p) for p in sorted(FIXTURES.glob("*.expected.yaml"))]
    print(table(seeds, "Seed articles (drafted from the text, compared with the curated YAML)"))
    print()
    print(table(fixtures, "Fixture articles (tests/drafting/fixtures)"))
    if args.misses:
        print()
        for score in [*seeds, *fixtures]:
            for miss in score.misses:
                print(miss)
    return 0


if __name__ == "__main__":
    sys.exit(main())
