"""``${name}`` in scenario steps: values saved by an earlier step.

A string that is exactly ``${name}`` becomes the saved value itself (any JSON
type); inside a longer string the value is formatted in. ``$${`` writes a
literal ``${``.
"""
from __future__ import annotations

import json
import re

# set by the runner before the first step: the target's base URL, and a
# loopback receiver that answers 200 (started only when a scenario uses it)
BUILTIN = ("base_url", "receiver_url")
VARIABLE = re.compile(r"\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)\}")


class UnknownVariable(KeyError):
    def __init__(self, name: str, path: str):
        self.name = name
        self.path = path
        super().__init__(name)


def references(value, path: str = "") -> list[tuple[str, str]]:
    """``(path, name)`` for every ``${name}`` inside ``value``."""
    from .matcher import join

    if isinstance(value, str):
        return [(path, m.group(2)) for m in VARIABLE.finditer(value) if not m.group(1)]
    if isinstance(value, dict):
        return [ref for k, v in value.items() for ref in references(v, join(path, k))]
    if isinstance(value, list):
        return [ref for i, v in enumerate(value) for ref in references(v, join(path, i))]
    return []


def _text(value) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def substitute(value, saved: dict, path: str = ""):
    """``value`` with every ``${name}`` replaced from ``saved``."""
    from .matcher import join

    if isinstance(value, str):
        whole = VARIABLE.fullmatch(value)
        if whole and not whole.group(1):
            if whole.group(2) not in saved:
                raise UnknownVariable(whole.group(2), path)
            return saved[whole.group(2)]

        def replace(match):
            if match.group(1):
                return "${" + match.group(2) + "}"
            if match.group(2) not in saved:
                raise UnknownVariable(match.group(2), path)
            return _text(saved[match.group(2)])

        return VARIABLE.sub(replace, value)
    if isinstance(value, dict):
        return {k: substitute(v, saved, join(path, k)) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, saved, join(path, i)) for i, v in enumerate(value)]
    return value
