"""Read `seeds/` into validated specs, remembering each item's file and YAML node for errors."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from app.loader.errors import SeedError, SeedValidationError
from app.loader.schema import EntitiesFile, MetricsFile, SourceFile
from app.loader.synonyms import SynonymsFile
from app.loader.yaml_files import (
    MAX_TEXT_BYTES,
    decode_utf8,
    field_path,
    line_of,
    read_bounded,
    read_yaml,
)

ENTITIES_FILE = Path("vocabulary/entities.yaml")
METRICS_FILE = Path("vocabulary/metrics.yaml")
SYNONYMS_FILE = Path("vocabulary/synonyms.yaml")
SOURCES_DIR = Path("sources")

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


@dataclass
class ParsedFile(Generic[M]):
    path: Path
    raw: Any
    spec: M

    def line(self, *loc: int | str) -> int | None:
        return line_of(self.raw, loc)

    def error(self, loc: tuple[int | str, ...], reason: str) -> SeedError:
        return SeedError(self.path, self.line(*loc), field_path(loc), reason)


@dataclass
class SourceDocument:
    annotations: ParsedFile[SourceFile]
    text_path: Path
    text: str
    sha256: str


@dataclass
class ParsedSeeds:
    root: Path
    entities: ParsedFile[EntitiesFile]
    metrics: ParsedFile[MetricsFile]
    sources: list[SourceDocument]
    version: str
    errors: list[SeedError] = field(default_factory=list)
    # Search synonyms; None for a dataset without any (the generated one).
    synonyms: ParsedFile[SynonymsFile] | None = None


def _parse(path: Path, model: type[M], errors: list[SeedError]) -> ParsedFile[M] | None:
    if not path.is_file():
        errors.append(SeedError(path, None, "(file)", "missing"))
        return None
    try:
        raw = read_yaml(path)
    except SeedValidationError as exc:
        errors.extend(exc.errors)
        return None
    try:
        return ParsedFile(path, raw, model.model_validate(raw))
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err["loc"])
            reason = err["msg"].removeprefix("Value error, ")
            errors.append(SeedError(path, line_of(raw, loc), field_path(loc), reason))
        return None


def _read_text(path: Path, errors: list[SeedError]) -> tuple[str, bytes] | None:
    try:
        data = read_bounded(path, MAX_TEXT_BYTES)
        text = decode_utf8(path, data)
    except SeedValidationError as exc:
        errors.extend(exc.errors)
        return None
    if "\x00" in text:  # PostgreSQL text cannot hold it; no article has one
        offset = text.index("\x00")
        line = text.count("\n", 0, offset) + 1
        errors.append(SeedError(path, line, "(file)", f"a NUL character (U+0000) at {offset}"))
        return None
    return text, data


def _utf8_name(path: Path, errors: list[SeedError]) -> bool:
    """A file name that is not UTF-8 cannot be stored or printed as is: report it, skip it."""
    try:
        path.name.encode("utf-8")
    except UnicodeEncodeError:
        errors.append(
            SeedError(path.parent, None, "(file)", f"file name {path.name!r} is not UTF-8")
        )
        return False
    return True


# The code that derives rows (bands, date spans, search text) is part of what was loaded:
# a change to it must change the version, and with it every ETag.
DERIVATION_CODE = [
    *sorted(Path(__file__).parent.glob("*.py")),
    Path(__file__).parent.parent / "dates.py",
    Path(__file__).parent.parent / "qualifiers.py",
]


def dataset_version(root: Path, files: list[Path]) -> str:
    """A content hash of every file the loader reads and of the loader itself."""
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for path in DERIVATION_CODE:
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def parse_seeds(root: Path) -> ParsedSeeds:
    """Parse every seed file; raise SeedValidationError listing every problem found."""
    errors: list[SeedError] = []
    entities = _guarded(errors, _parse, root / ENTITIES_FILE, EntitiesFile, errors)
    metrics = _guarded(errors, _parse, root / METRICS_FILE, MetricsFile, errors)
    sources: list[SourceDocument] = []
    read_files = [root / ENTITIES_FILE, root / METRICS_FILE]
    annotation_paths = sorted((root / SOURCES_DIR).glob("*.yaml"))
    if not annotation_paths:
        errors.append(SeedError(root / SOURCES_DIR, None, "(folder)", "no *.yaml annotations"))
    for text_path in sorted((root / SOURCES_DIR).glob("*.txt")):
        if _utf8_name(text_path, errors) and not text_path.with_suffix(".yaml").is_file():
            errors.append(SeedError(text_path, None, "(file)", "text without a .yaml annotation"))
    for path in annotation_paths:
        if not _utf8_name(path, errors):
            continue
        document = _guarded(errors, _source_document, path, errors)
        if document is not None:
            read_files += [path, document.text_path]
            sources.append(document)
    synonyms = _guarded(errors, _parse, root / SYNONYMS_FILE, SynonymsFile, errors)
    read_files.append(root / SYNONYMS_FILE)
    if errors or entities is None or metrics is None:
        raise SeedValidationError(errors)
    version = dataset_version(root, read_files)
    return ParsedSeeds(root, entities, metrics, sources, version, synonyms=synonyms)


def _guarded(
    errors: list[SeedError], read: Callable[..., T | None], path: Path, *args: Any
) -> T | None:
    """`read(path, *args)`; an unexpected exception becomes that file's error, not a
    traceback, so the report still names the file that triggered it."""
    try:
        return read(path, *args)
    except Exception as exc:
        errors.append(SeedError(path, None, "(file)", f"unexpected {type(exc).__name__}: {exc}"))
        return None


def _source_document(path: Path, errors: list[SeedError]) -> SourceDocument | None:
    """One article: its annotations and its text, or None with the errors recorded."""
    parsed = _parse(path, SourceFile, errors)
    text_path = path.with_suffix(".txt")
    if not text_path.is_file():
        errors.append(SeedError(path, None, "(file)", f"{text_path.name} is missing"))
        return None
    read = _read_text(text_path, errors)
    if read is None or parsed is None:
        return None
    text, data = read
    return SourceDocument(parsed, text_path, text, hashlib.sha256(data).hexdigest())
