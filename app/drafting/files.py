"""Where a drafted article goes: the next free NNN_<hash>.txt / .yaml pair in a folder.

The five seed files' hashes follow no rule the repository records (they are not a digest
of the text); new files use the first 16 hex digits of the text's SHA-256, so a name
says which text it holds."""

import hashlib
import re
from pathlib import Path

_NUMBERED = re.compile(r"^(\d{3})_[0-9a-f]{16}\.(?:txt|yaml)$")


_CLAIM_ID = re.compile(r"^  - id: ([a-z0-9-]+)\s*$", re.MULTILINE)


def claim_ids(*folders: Path) -> frozenset[str]:
    """Ids already used by the annotations in these folders (claim ids are global)."""
    return frozenset(
        m.group(1)
        for folder in folders
        for path in folder.glob("*.yaml")
        for m in _CLAIM_ID.finditer(path.read_text(encoding="utf-8"))
    )


def next_number(folder: Path) -> int:
    numbers = [int(m.group(1)) for p in folder.glob("*") if (m := _NUMBERED.match(p.name))]
    return max(numbers, default=-1) + 1


def stem_for(data: bytes, number: int) -> str:
    return f"{number:03d}_{hashlib.sha256(data).hexdigest()[:16]}"
