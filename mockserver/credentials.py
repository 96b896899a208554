"""Comparing secrets (passwords, session ids, the admin token) in constant
time, so how long a refusal takes tells nothing about how close a guess was."""
from __future__ import annotations

import hmac


def same_secret(expected: str, given) -> bool:
    if not isinstance(given, str) or not isinstance(expected, str):
        return False
    # surrogatepass: a header that is not valid text is compared (and refused), not a crash
    return hmac.compare_digest(expected.encode("utf-8", "surrogatepass"), given.encode("utf-8", "surrogatepass"))
