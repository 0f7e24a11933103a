"""Write the OpenAPI document the app serves to `tests/snapshots/openapi.json`.

    uv run python scripts/openapi_snapshot.py           # regenerate the snapshot
    uv run python scripts/openapi_snapshot.py --check   # exit 1 if it is out of date

The document does not depend on the data, but the app needs a database to start: this
builds one from `seeds/` in a temporary folder. Output is deterministic (sorted keys,
indent 2, a trailing newline), so a diff of the snapshot is a diff of the contract.
"""

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.settings import PROJECT_ROOT

SNAPSHOT = PROJECT_ROOT / "tests" / "snapshots" / "openapi.json"
REGENERATE = "uv run python scripts/openapi_snapshot.py"


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def current_document() -> dict[str, Any]:
    from app.loader.build import build_dataset
    from app.loader.parse import parse_seeds
    from app.loader.write import write_dataset
    from app.main import create_app
    from app.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'facts.db'}"
        write_dataset(build_dataset(parse_seeds(PROJECT_ROOT / "seeds")), url)
        app = create_app(Settings(database_url=url))
        document = app.openapi()
        app.state.engine.dispose()
        return document


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare; write nothing")
    parser.add_argument("--output", type=Path, default=SNAPSHOT, help="where to write")
    args = parser.parse_args()
    text = render(current_document())
    if args.check:
        if not args.output.exists() or args.output.read_text(encoding="utf-8") != text:
            print(f"{args.output} is out of date; run: {REGENERATE}", file=sys.stderr)
            return 1
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
