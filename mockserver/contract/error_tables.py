"""Each API's documented error table, read through its error profile."""
from __future__ import annotations

from ..errors import profile_for


def documented_status(api: str, code) -> int | None:
    """The HTTP status that the table gives ``code``, or None when the code is
    not in the table (or not an integer)."""
    if isinstance(code, bool) or not isinstance(code, int):
        return None
    return profile_for(api).status_of(code)
