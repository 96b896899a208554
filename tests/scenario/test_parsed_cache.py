"""Bundled scenarios are read from their parsed copies, which stay in step
with the files: a text that differs in any byte is parsed as before."""
from __future__ import annotations

import json

from mockserver.resources import scenarios_dir
from mockserver.scenario import loader, parsed_cache


def test_the_cache_holds_every_bundled_file_as_it_parses_now():
    # if this fails after editing scenarios/: python -m mockserver.scenario.parsed_cache
    assert parsed_cache.build() == json.loads(parsed_cache.CACHE_FILE.read_text(encoding="utf-8"))
    assert "default.yaml" in parsed_cache.build()


def test_a_bundled_text_is_read_from_the_cache_and_each_caller_gets_its_own_copy():
    text = loader.read_text(scenarios_dir() / "default.yaml")
    first, second = parsed_cache.cached_document(text), parsed_cache.cached_document(text)
    assert first == loader.parse_text(text, "default.yaml")
    assert first is not second


def test_a_changed_text_is_parsed_as_usual(tmp_path):
    text = loader.read_text(scenarios_dir() / "default.yaml") + "\n# edited\n"
    assert parsed_cache.cached_document(text) is None
    edited = tmp_path / "edited.yaml"
    edited.write_text(text.replace("name: default", "name: edited"), encoding="utf-8")
    assert loader.read_file(edited)["name"] == "edited"


def test_every_cached_document_passes_the_checks_it_skips_when_read():
    for name, entry in json.loads(parsed_cache.CACHE_FILE.read_text(encoding="utf-8")).items():
        assert loader.problems(entry["document"]) == [], name
