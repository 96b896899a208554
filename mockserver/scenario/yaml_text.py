"""The bounded YAML reader behind ``loader.parse_text``: ``yaml.SafeLoader``
only (libyaml's parser where PyYAML has it), alias expansion capped (no
"billion laughs"), duplicate keys refused.

A module of its own so that PyYAML is imported on the first YAML text read,
not with the loader.
"""
from __future__ import annotations

import yaml

from .loader import DocumentTooLarge, ScenarioError, _node_path

# nodes after aliases are expanded: far above any real scenario, far below a bomb
MAX_EXPANDED_NODES = 500_000


class _Loader(yaml.SafeLoader):
    """SafeLoader that composes the node graph first, so it can be measured
    before anything is built."""


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The same on libyaml's C parser, where PyYAML has it: tens of times
    faster, which start-up feels, and it refuses nesting over 1,000 levels by
    itself. Other text it refuses is read again by the pure Python parser,
    which alone words the problem (and takes a few escapes, such as a lone
    surrogate's, that the checks below then name)."""


# libyaml's own words for nesting over its limit
LIBYAML_TOO_DEEP = "exceeded maximum nesting depth"


def _mark(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    context = getattr(error, "context", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    return where + (f"{context}; {problem}" if context else problem)


def _check_nodes(root: yaml.Node, max_expanded_bytes: int) -> None:
    """Refuse alias bombs, recursive aliases and duplicate keys.

    Each node's expanded size (its values counted once per alias that
    repeats them, measured roughly as JSON text) is worked out once, so this
    costs one pass over the nodes as written, before anything is built."""
    sizes: dict[int, tuple[int, int]] = {}
    active: set[int] = set()

    def size(node, path):
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise ScenarioError("", [f"at {path or '<top level>'}: a recursive alias (a node that contains itself)"])
        active.add(key)
        count, length = 1, 2
        if isinstance(node, yaml.ScalarNode):
            length += len(node.value)
        elif isinstance(node, yaml.SequenceNode):
            for index, child in enumerate(node.value):
                child_count, child_length = size(child, _node_path(path, index))
                count, length = count + child_count, length + child_length + 1
        elif isinstance(node, yaml.MappingNode):
            seen = set()
            for key_node, value_node in node.value:
                name = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                if name is not None:
                    if name in seen:
                        line = key_node.start_mark.line + 1
                        raise ScenarioError("", [f"at {_node_path(path, name)}: the key {name!r} appears twice (again on line {line})"])
                    seen.add(name)
                key_count, key_length = size(key_node, path)
                value_count, value_length = size(value_node, _node_path(path, name if name is not None else "?"))
                count, length = count + key_count + value_count, length + key_length + value_length + 2
        active.discard(key)
        sizes[key] = count, length
        if count > MAX_EXPANDED_NODES or length > max_expanded_bytes:
            raise DocumentTooLarge(
                "",
                [f"at {path or '<top level>'}: through its aliases the document expands to more than "
                 f"{min(count, MAX_EXPANDED_NODES):,} values or {max_expanded_bytes:,} bytes, the size limit (an alias bomb?); refused"],
            )
        return count, length

    size(root, "")


def read_yaml(text: str, max_expanded_bytes: int):
    """The document in ``text``, as PyYAML builds it; ScenarioError (with no
    origin) for text that is not YAML, or that expands past the limit."""
    try:
        if _FastLoader is not _Loader:
            try:
                return _read(text, _FastLoader, max_expanded_bytes)
            except yaml.YAMLError as exc:
                if getattr(exc, "problem", None) == LIBYAML_TOO_DEEP:
                    raise  # the pure-Python parser would take seconds to find the same
        return _read(text, _Loader, max_expanded_bytes)
    except yaml.YAMLError as exc:
        raise ScenarioError("", [f"not valid YAML: {_mark(exc)}"]) from None


def _read(text: str, loader_class, max_expanded_bytes: int):
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_nodes(node, max_expanded_bytes)
        return loader.construct_document(node)
    finally:
        loader.dispose()
