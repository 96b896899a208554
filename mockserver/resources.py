"""Where the bundled schemas/ and scenarios/ folders live.

In a wheel they are packed under ``mockserver/_data``; in a source checkout
(or an editable install) they sit at the repository root.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def data_dir(name: str) -> Path:
    for candidate in (_PACKAGE_DIR / "_data" / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled folder {name!r} not found next to {_PACKAGE_DIR}")


def schemas_dir() -> Path:
    return data_dir("schemas")


def scenarios_dir() -> Path:
    return data_dir("scenarios")
