"""Draft the seed YAML of a new article: every figure proposed as a claim, every guess
with its evidence, every unsure field listed under `review:`.

    uv run python scripts/draft.py ARTICLE.txt [--out DIR] [--published-on YYYY[-MM[-DD]]]

Writes NNN_<hash>.txt (the text, byte for byte) and NNN_<hash>.yaml into DIR (default
seeds/sources/). Exit 0 with a one-line summary; 1 with a message for an unreadable or
empty file. The loader refuses the YAML until every `review:` key is removed.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.dates import parse_partial_date
from app.drafting.draft import Drafter, Vocabulary
from app.drafting.files import claim_ids, next_number, stem_for
from app.drafting.render import render
from app.settings import get_settings


def main(argv: list[str] | None = None) -> int:
    settings = get_settings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("article", type=Path, help="the article's text (UTF-8)")
    parser.add_argument(
        "--out", type=Path, default=settings.seeds_dir / "sources", help="output folder"
    )
    parser.add_argument(
        "--published-on", help="publication date if the text prints none: YYYY[-MM[-DD]]"
    )
    parser.add_argument(
        "--seeds", type=Path, default=settings.seeds_dir, help="seed folder (vocabulary)"
    )
    args = parser.parse_args(argv)
    try:
        data = args.article.read_bytes()
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"draft: cannot read {args.article}: {exc}", file=sys.stderr)
        return 1
    if not text.strip():
        print(f"draft: {args.article} is empty: nothing to draft", file=sys.stderr)
        return 1
    try:
        published = parse_partial_date(args.published_on) if args.published_on else None
    except ValueError as exc:
        print(f"draft: --published-on: {exc}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    # Numbered after the seed files too, so a draft written elsewhere keeps its name (and its
    # outlet-source-NNN) when it moves into seeds/sources.
    number = max(next_number(args.out), next_number(args.seeds / "sources"))
    taken = claim_ids(args.seeds / "sources", args.out)
    draft = Drafter(Vocabulary.load(args.seeds)).draft(
        text, number=number, published_on=published, taken_ids=taken
    )
    stem = stem_for(data, number)
    (args.out / f"{stem}.txt").write_bytes(data)
    (args.out / f"{stem}.yaml").write_text(render(draft), encoding="utf-8")
    print(
        f"draft: {args.out / stem}.yaml: {draft.figures_found} figures found, "
        f"{len(draft.claims)} claims drafted, {len(draft.not_claims)} not_claims, "
        f"{draft.review_count} fields left for review"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
