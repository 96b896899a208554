"""Each API's documented error table, read through one function."""
from __future__ import annotations

from functools import lru_cache

from ..schemas import default_schemas

_FILES = {"navixy": "navixy/errors.json", "dellin": "dellin/errors.json"}


@lru_cache(maxsize=None)
def _table(api: str) -> dict[int, int]:
    rows = default_schemas().data(_FILES[api])["codes"]
    # Navixy's rows name the HTTP status "http", Dellin's "status"
    return {int(row["code"]): int(row.get("http", row.get("status"))) for row in rows}


def documented_status(api: str, code) -> int | None:
    """The HTTP status that the table gives ``code``, or None when the code is
    not in the table (or not an integer)."""
    if isinstance(code, bool) or not isinstance(code, int):
        return None
    return _table(api).get(code)
