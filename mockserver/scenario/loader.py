"""Find, read and validate scenario documents.

Reading is defensive: ``yaml.SafeLoader`` only, files over 5 MiB refused, alias
expansion capped (no "billion laughs"), duplicate keys refused, and only JSON
values kept (YAML timestamps become ISO-8601 strings). Every problem names the
file and the place in it, and nothing is loaded unless everything is valid.
"""
from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

from ..body import is_unicode_text
from ..resources import scenarios_dir
from ..schemas import default_schemas
from .parsed_cache import cached_document

SCENARIO_SCHEMA = "scenario.schema.json"
SUFFIXES = (".yaml", ".yml", ".json")
MAX_FILE_BYTES = 5 * 1024 * 1024


class ScenarioError(ValueError):
    """A scenario that cannot be loaded; the message names the file and the place."""

    def __init__(self, origin: str, problems: list[str]):
        self.origin = origin
        self.problems = problems
        super().__init__(f"{origin}: " + "; ".join(problems))


def search_dirs(extra=()) -> list[Path]:
    return [Path(d) for d in extra] + [scenarios_dir()]


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):  # a name too long for the file system, or one with a NUL
        return False


def looks_like_path(source: str) -> bool:
    """A file name with a scenario suffix, or anything with a folder in it."""
    return Path(source).suffix in SUFFIXES or "/" in source or "\\" in source


def find(name: str, extra_dirs=()) -> Path:
    """A file the operator named (a path is read as a path), else a name in the folders."""
    if looks_like_path(name):
        path = Path(name)
        if _is_file(path):
            return path
        raise ScenarioError(name, ["no such file"])
    for folder in search_dirs(extra_dirs):
        for suffix in SUFFIXES:
            candidate = folder / f"{name}{suffix}"
            if _is_file(candidate):
                return candidate
    raise ScenarioError(name, [f"no scenario named {name!r} (looked in {', '.join(map(str, search_dirs(extra_dirs)))})"])


def find_named(name: str, extra_dirs=()) -> Path:
    """A scenario asked for by name over the network: a bundled one, or a file
    directly inside one of the operator's folders (``demo`` or ``demo.yaml``).

    Anything else (a path, ``..``, a symlink out of the folder, a file that is
    not there) gets one and the same refusal, which says nothing of what
    exists where.
    """
    if _plain_file_name(name):
        stem_given = Path(name).suffix in SUFFIXES
        for folder in search_dirs(extra_dirs):
            names = [name] if stem_given else [f"{name}{suffix}" for suffix in SUFFIXES]
            for candidate_name in names:
                found = _inside(folder, candidate_name)
                if found is not None:
                    return found
    raise ScenarioError(
        str(name),
        ["no such scenario: a name must be a bundled scenario or a file in a --scenario-dir folder "
         "(GET /__mock/scenarios lists them)"],
    )


def _plain_file_name(name) -> bool:
    return (
        isinstance(name, str) and 0 < len(name) <= 255 and name not in (".", "..")
        and not any(ch in name for ch in "/\\\0:") and not name.startswith(".")
    )


def _inside(folder: Path, file_name: str) -> Path | None:
    """``folder/file_name`` if it is a file whose real path is inside ``folder``."""
    try:
        root = folder.resolve(strict=True)
        real = (folder / file_name).resolve(strict=True)
    except (OSError, RuntimeError, ValueError):  # missing, a symlink loop, a bad name
        return None
    if real.parent != root or not _is_file(real):
        return None
    return real


# ------------------------------------------------------------------ parsing
class DocumentTooLarge(ScenarioError):
    """A document whose aliases expand it past the size limit (answered 413 over HTTP)."""


def _node_path(path: str, key) -> str:
    from .matcher import join

    return join(path, key)


def _jsonable(value, path: str = ""):
    """Only JSON values: YAML timestamps become ISO strings, anything else non-JSON is refused."""
    if isinstance(value, dt.datetime):
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else (text + "Z" if value.tzinfo is None else text)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        raise ScenarioError("", [f"at {path or '<top level>'}: {value!r} is not a JSON number"])
    if isinstance(value, str) and not is_unicode_text(value):
        raise ScenarioError("", [f"at {path or '<top level>'}: the text holds a lone surrogate (half of a \\u pair)"])
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, list):
        return [_jsonable(v, _node_path(path, i)) for i, v in enumerate(value)]
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ScenarioError(
                    "", [f"at {path or '<top level>'}: the key {key!r} is a YAML {type(key).__name__}; keys must be strings (quote it)"]
                )
            if not is_unicode_text(key):
                raise ScenarioError("", [f"at {path or '<top level>'}: a key holds a lone surrogate (half of a \\u pair)"])
            out[key] = _jsonable(item, _node_path(path, key))
        return out
    raise ScenarioError("", [f"at {path or '<top level>'}: a YAML {type(value).__name__} is not a JSON value"])


def parse_text(text: str, origin: str, max_expanded_bytes: int = MAX_FILE_BYTES):
    """YAML (or JSON, which is YAML) text to JSON values, defensively: a
    document whose aliases expand it past ``max_expanded_bytes`` is refused
    before anything is built."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise DocumentTooLarge(origin, [f"larger than the limit of {MAX_FILE_BYTES // (1024 * 1024)} MiB; refused"])
    # PyYAML (some 20 ms to import) only once a text is read that no cache holds
    from .yaml_text import read_yaml

    try:
        return _jsonable(read_yaml(text, max_expanded_bytes))
    except ScenarioError as exc:
        raise type(exc)(origin, exc.problems) from None
    except RecursionError:
        raise ScenarioError(origin, ["nested too deeply"]) from None


def read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError(str(path), [f"{size:,} bytes, over the limit of {MAX_FILE_BYTES // (1024 * 1024)} MiB; refused"])
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(str(path), [f"not UTF-8: {exc.reason} at byte {exc.start}"]) from None
    except OSError as exc:
        raise ScenarioError(str(path), [f"cannot read: {exc.strerror or exc}"]) from None


def read_file(path: Path) -> dict:
    origin = str(path)
    text = read_text(Path(path))
    doc = cached_document(text)
    if doc is not None:
        # a bundled scenario's text, parsed and checked when the cache was
        # written (a test keeps the cache in step with the scenarios and checks)
        return doc
    return validate(parse_text(text, origin), origin)


# ------------------------------------------------------------------ validating
def problems(doc) -> list[str]:
    """Every problem with a scenario document, as ``at <path>: <what>``."""
    from .checks import scenario_problems

    found = [f"at {p.path or '<top level>'}: {p.message}" for p in default_schemas().problems(SCENARIO_SCHEMA, doc)]
    if found:
        return found
    return [f"at {path or '<top level>'}: {message}" for path, message in scenario_problems(doc)]


def validate(doc, origin: str) -> dict:
    found = problems(doc)
    if found:
        raise ScenarioError(origin, found)
    return doc


def _origin_of(doc: dict) -> str:
    return doc["name"] if isinstance(doc.get("name"), str) else "<document>"


def load(source, extra_dirs=()) -> dict:
    """A scenario from a bundled name, a file path, or a document (dict)."""
    if isinstance(source, dict):
        return validate(_jsonable_document(source), _origin_of(source))
    return read_file(find(str(source), extra_dirs))


def load_named(source, extra_dirs=()) -> dict:
    """As ``load``, but a string is only ever a name (see ``find_named``)."""
    if isinstance(source, dict):
        return load(source)
    return read_file(find_named(source, extra_dirs))


def _jsonable_document(doc: dict) -> dict:
    try:
        return _jsonable(doc)
    except ScenarioError as exc:
        raise ScenarioError(_origin_of(doc), exc.problems) from None


def bundled() -> list[dict]:
    out = []
    for path in sorted(scenarios_dir().glob("*.yaml")):
        doc = read_file(path)
        out.append({"name": doc.get("name", path.stem), "description": doc.get("description", ""), "file": path.name})
    return out


def available(extra_dirs=()) -> list[dict]:
    """Every scenario a name loads, as ``find`` looks them up: the configured
    folders first (a name there hides a bundled one of the same name), then
    the bundled ones. A file that does not load is listed with the reason."""
    out, seen = [], set()
    for folder in [Path(d) for d in extra_dirs]:
        for path in sorted(p for p in folder.glob("*") if p.suffix in SUFFIXES and _plain_file_name(p.name)):
            # what a name loads, and nothing else: a symlink out of the folder is not listed
            if path.stem in seen or _inside(folder, path.name) is None:
                continue
            seen.add(path.stem)
            try:
                description = read_file(path).get("description", "")
            except ScenarioError as exc:
                description = f"not loadable: {exc.problems[0]}"
            out.append({"name": path.stem, "description": description, "file": str(path)})
    out.extend(row for row in bundled() if row["name"] not in seen)
    return out
