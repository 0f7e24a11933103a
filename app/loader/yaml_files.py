"""YAML reading that remembers where each key stands, for errors that name the line."""

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from app.loader.errors import SeedError, SeedValidationError


def _yaml() -> YAML:
    yaml = YAML(typ="rt", pure=True)
    # Dates stay text, so the schema validates them (and "2024-12-32" is a field error with a
    # line number, not a crash inside the YAML parser).
    yaml.constructor.add_constructor(
        "tag:yaml.org,2002:timestamp", lambda constructor, node: constructor.construct_scalar(node)
    )
    return yaml


def read_yaml(path: Path) -> Any:
    try:
        return _yaml().load(path.read_text(encoding="utf-8"))
    except MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise SeedValidationError(
            [SeedError(path, line, "(yaml)", str(exc.problem or exc))]
        ) from None
    except UnicodeDecodeError as exc:
        raise SeedValidationError([SeedError(path, None, "(file)", f"not UTF-8: {exc}")]) from None


def line_of(data: Any, loc: tuple[int | str, ...]) -> int | None:
    """The 1-based line of the deepest key on `loc` that exists in the parsed YAML."""
    line: int | None = data.lc.line + 1 if isinstance(data, CommentedMap | CommentedSeq) else None
    node = data
    for part in loc:
        if isinstance(node, CommentedMap) and part in node:
            line = node.lc.key(part)[0] + 1
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            line = node.lc.item(part)[0] + 1
            node = node[part]
        else:
            break
    return line


def field_path(loc: tuple[int | str, ...]) -> str:
    """`('claims', 3, 'quote')` -> `claims[3].quote`."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(document)"
