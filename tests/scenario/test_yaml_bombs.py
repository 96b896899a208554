"""Small YAML bodies that would cost seconds of CPU are refused before any
state is built: aliases that expand a document past the body limit (413),
and nesting past libyaml's depth limit (422)."""
from __future__ import annotations

import pytest
import yaml

from mockserver.scenario import yaml_text
from mockserver.scenario.loader import DocumentTooLarge, ScenarioError, parse_text

ORDER = "1234567890123"


def flat_aliases(count: int) -> str:
    """About 3 bytes per order: 100,000 orders in 300 kB."""
    refs = ",".join(["*o"] * count)
    return (f"name: bomb\nx: &o {{number: '{ORDER}'}}\n"
            f"state: {{dellin: {{users: [{{login: a@b.c, password: p, orders: [{refs}]}}]}}}}\n")


def nested_aliases(levels: int = 6, fan: int = 10) -> str:
    """Each level repeats the one below ``fan`` times: a few hundred bytes, a million values."""
    lines = [f"l0: &l0 '{ORDER}'"]
    for level in range(1, levels + 1):
        lines.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * fan)}]")
    return "name: nested\n" + "\n".join(lines) + "\n"


@pytest.fixture
def never_built(monkeypatch):
    """Fails the test if a refused document is ever constructed."""
    def construct(self, node):
        raise AssertionError("a document over the limit was built")

    monkeypatch.setattr(yaml_text._Loader, "construct_document", construct)


@pytest.mark.parametrize("document", [flat_aliases(100_000), nested_aliases()], ids=["flat", "nested"])
def test_a_document_that_expands_past_the_body_limit_is_413_and_never_built(client, runtime, never_built, document):
    assert len(document.encode()) < 400_000
    before = runtime.dump_state()
    answer = client.post("/__mock/scenarios", data=document, content_type="application/yaml")
    assert answer.status_code == 413
    assert "alias bomb" in answer.get_json()["error"]["message"]
    assert runtime.dump_state() == before


@pytest.mark.parametrize("document", ["[" * 70_000 + "]" * 70_000, "- " * 70_000 + "x", "a: {" * 50_000 + "}" * 50_000],
                         ids=["flow sequences", "block sequences", "flow mappings"])
def test_deep_nesting_is_422_and_never_built(client, never_built, document):
    answer = client.post("/__mock/scenarios", data=document, content_type="application/yaml")
    assert answer.status_code == 422
    message = answer.get_json()["error"]["message"]
    assert "nest" in message


def test_the_limit_over_http_is_the_body_limit():
    from mockserver import create_app

    small = create_app(max_body_bytes=64 * 1024).test_client()
    assert small.post("/__mock/scenarios", data=flat_aliases(5_000), content_type="application/yaml").status_code == 413
    large = create_app().test_client()
    # within the limit it is read, and then judged as a scenario (an order listed twice is refused)
    answer = large.post("/__mock/scenarios", data=flat_aliases(5_000), content_type="application/yaml")
    assert answer.status_code == 422 and "alias bomb" not in answer.get_json()["error"]["message"]


def test_a_file_may_expand_up_to_the_file_limit():
    doc = parse_text(flat_aliases(5_000), "file")
    assert len(doc["state"]["dellin"]["users"][0]["orders"]) == 5_000
    with pytest.raises(DocumentTooLarge):
        parse_text(flat_aliases(5_000), "file", max_expanded_bytes=10_000)


def test_libyaml_parses_when_pyyaml_has_it():
    if not getattr(yaml, "__with_libyaml__", False):
        pytest.skip("this PyYAML was built without libyaml")
    assert issubclass(yaml_text._FastLoader, yaml.CSafeLoader)


def test_a_scenario_error_keeps_its_kind_when_the_origin_is_added():
    with pytest.raises(ScenarioError) as caught:
        parse_text("a: 1\na: 2\n", "dup.yaml")
    assert not isinstance(caught.value, DocumentTooLarge) and str(caught.value).startswith("dup.yaml:")
