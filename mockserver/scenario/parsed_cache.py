"""The bundled scenarios, parsed ahead of time.

``parsed_cache.json`` holds, for each bundled scenario file, the SHA-256 of
its text and the document that text parses to, written only once that
document passed every scenario check. A text whose hash is there is read
from the JSON instead of being parsed and checked: start-up with the default
scenario then needs neither PyYAML (some 20 ms to import) nor its parser,
nor a validator compiled for the scenario schema (some 10 ms).
The key is the text's own hash, so a file that differs in any byte is parsed
as usual. A test keeps the file in step with ``scenarios/``; after editing a
bundled scenario, write it again with::

    python -m mockserver.scenario.parsed_cache
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

CACHE_FILE = Path(__file__).with_name("parsed_cache.json")


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def cached_document(text: str):
    """The document ``text`` parses to, if it is a bundled scenario's text; else None.

    Read from the file on each call, so every caller gets objects of its own."""
    try:
        entries = json.loads(CACHE_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    digest = text_hash(text)
    for entry in entries.values():
        if entry["sha256"] == digest:
            return entry["document"]
    return None


def build() -> dict:
    """What the cache file should hold: every bundled scenario file, parsed and
    checked (an invalid one raises ``ScenarioError``)."""
    from ..resources import scenarios_dir
    from .loader import SUFFIXES, parse_text, read_text, validate

    entries = {}
    for path in sorted(scenarios_dir().iterdir()):
        if path.suffix in SUFFIXES:
            text = read_text(path)
            document = validate(parse_text(text, str(path)), str(path))
            entries[path.name] = {"sha256": text_hash(text), "document": document}
    return entries


def write() -> None:
    CACHE_FILE.write_text(json.dumps(build(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write()
