"""YAML reading that remembers where each key stands, for errors that name the line.

Seed files come from curators, drafts and pull requests, so reading one is bounded whatever
it holds: at most `MAX_YAML_BYTES`, nesting at most `MAX_DEPTH` deep, numbers at most
`MAX_NUMBER_CHARS` long, and no anchors, aliases or merge keys (`&a`, `*a`, `<<`), which let a
1 KB file expand into gigabytes ("billion laughs"). A seed file never needs them: each value
is written where it applies. Every refusal is a `file:line: field: reason` error.
"""

import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer, ComposerError, MaxDepthExceededError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, ScalarNode

from app.loader.errors import SeedError, SeedValidationError

MAX_YAML_BYTES = 5 * 1024 * 1024  # the largest annotation file today is ~20 KB
MAX_TEXT_BYTES = 20 * 1024 * 1024  # an article text; the largest today is ~10 KB
MAX_DEPTH = 50  # nesting of mappings and lists; the seed format needs 5
MAX_NUMBER_CHARS = 64  # a plain number longer than this is a mistake (and int() of 5,000
# digits raises in Python 3.11+)

_MERGE_TAG = "tag:yaml.org,2002:merge"
_NUMBER_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
# Decimal digits with an optional sign, fraction and exponent; and YAML's .nan and .inf,
# which the schema refuses with its own message.
_PLAIN_NUMBER = re.compile(
    r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)


class _SeedComposer(Composer):  # type: ignore[misc]
    """ruamel's composer, refusing anchors, aliases, merge keys and over-long numbers where it
    meets them, before anything is expanded or converted."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.parser.check_event(AliasEvent):
            event = self.parser.peek_event()
            raise ComposerError(
                None,
                None,
                f"alias *{event.anchor} is not allowed in seed files; write the value out",
                event.start_mark,
            )
        event = self.parser.peek_event()
        if event.anchor is not None:
            raise ComposerError(
                None,
                None,
                f"anchor &{event.anchor} is not allowed in seed files; write the value out",
                event.start_mark,
            )
        return super().compose_node(parent, index)

    def compose_scalar_node(self, anchor: Any) -> Any:
        node: ScalarNode = super().compose_scalar_node(anchor)
        lone = next((c for c in node.value if "\ud800" <= c <= "\udfff"), None)
        if lone is not None:
            # "\udc80" in a quoted scalar: a half of a UTF-16 pair, which no text can hold
            # (the load would fail writing it).
            raise ComposerError(
                None,
                None,
                f"\\u{ord(lone):04x} is a lone surrogate, not a character; write the character",
                node.start_mark,
            )
        if str(node.tag) in _NUMBER_TAGS and not _PLAIN_NUMBER.fullmatch(node.value):
            # 0x5DC, 0o3751, 1_500, 25:00 (YAML 1.1 sexagesimal): read as 1500 or 2025, so a
            # typo becomes another figure without a word.
            raise ComposerError(
                None,
                None,
                f"{node.value!r} is not a plain decimal number; write it in decimal digits",
                node.start_mark,
            )
        if str(node.tag) in _NUMBER_TAGS and len(node.value) > MAX_NUMBER_CHARS:
            raise ComposerError(
                None,
                None,
                f"a number of {len(node.value):,} characters; at most {MAX_NUMBER_CHARS}",
                node.start_mark,
            )
        return node

    def compose_mapping_node(self, anchor: Any) -> Any:
        node: MappingNode = super().compose_mapping_node(anchor)
        for key, _value in node.value:
            if str(key.tag) == _MERGE_TAG:
                raise ComposerError(
                    None,
                    None,
                    "merge keys (<<) are not allowed in seed files; write the keys out",
                    key.start_mark,
                )
        return node


def _yaml() -> YAML:
    yaml = YAML(typ="rt", pure=True)
    yaml.Composer = _SeedComposer
    yaml.max_depth = MAX_DEPTH
    # Dates stay text, so the schema validates them (and "2024-12-32" is a field error with a
    # line number, not a crash inside the YAML parser).
    yaml.constructor.add_constructor(
        "tag:yaml.org,2002:timestamp", lambda constructor, node: constructor.construct_scalar(node)
    )
    return yaml


def read_bounded(path: Path, limit: int) -> bytes:
    """A file's bytes, or a located error if it is larger than `limit` (checked while reading,
    so a file that grows or a device that never ends cannot exhaust memory)."""
    try:
        with path.open("rb") as file:
            data = file.read(limit + 1)
    except OSError as exc:
        raise SeedValidationError(
            [SeedError(path, None, "(file)", f"cannot be read: {exc.strerror or exc}")]
        ) from None
    if len(data) > limit:
        raise SeedValidationError(
            [SeedError(path, None, "(file)", f"larger than the limit of {limit:,} bytes")]
        )
    return data


def decode_utf8(path: Path, data: bytes) -> str:
    """The text, or an error naming the line of the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.start + 1]
        raise SeedValidationError(
            [
                SeedError(
                    path, line, "(file)", f"not UTF-8: byte 0x{bad.hex()} at offset {exc.start}"
                )
            ]
        ) from None


def read_yaml(path: Path) -> CommentedMap:
    """A seed file's top-level mapping; SeedValidationError with the line for anything else."""
    text = decode_utf8(path, read_bounded(path, MAX_YAML_BYTES))

    def fail(line: int | None, field: str, reason: str) -> SeedValidationError:
        return SeedValidationError([SeedError(path, line, field, reason)])

    try:
        data = _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = str(exc.problem or exc)
        if isinstance(exc, MaxDepthExceededError):
            reason = f"nested more than {MAX_DEPTH} levels deep"
        raise fail(mark.line + 1 if mark else None, "(yaml)", reason) from None
    except YAMLError as exc:  # e.g. a control character (ReaderError)
        position = getattr(exc, "position", None)
        line = text.count("\n", 0, position) + 1 if isinstance(position, int) else None
        raise fail(line, "(yaml)", str(exc).splitlines()[0] if str(exc) else "unreadable") from None
    except (ValueError, OverflowError, RecursionError) as exc:
        raise fail(None, "(yaml)", f"cannot be read: {type(exc).__name__}: {exc}") from None
    if data is None:
        raise fail(1, "(document)", "the file is empty; expected a mapping of `key: value` lines")
    if not isinstance(data, CommentedMap):
        kind = "a list" if isinstance(data, CommentedSeq) else f"a single value ({data!r:.40})"
        raise fail(1, "(document)", f"the top level is {kind}; expected a mapping")
    return data


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
