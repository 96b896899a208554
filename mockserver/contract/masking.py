"""Credentials never leave the proxy in a log line, a report or a recording."""
from __future__ import annotations

import re

MASK = "***"
# body or query keys whose values are credentials; "value" is Navixy's
# delivery session key, itself a key to the account
SECRET_KEYS = frozenset({"hash", "appkey", "sessionID", "password", "login", "value"})
AUTH_HEADER = "authorization"
_NVX = re.compile(r"^(NVX\s+)(\S+)$")


def secrets_of(params: dict | None, headers: dict | None = None) -> set[str]:
    """The credential values a request carries (its body, query and Authorization)."""
    found: set[str] = set()
    _collect(params, found)
    for name, value in (headers or {}).items():
        if name.lower() == AUTH_HEADER and isinstance(value, str):
            match = _NVX.match(value.strip())
            found.add(match.group(2) if match else value)
    return {s for s in found if s}


def _collect(value, found: set[str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if key in SECRET_KEYS and isinstance(item, (str, int)) and not isinstance(item, bool):
                found.add(str(item))
            else:
                _collect(item, found)
    elif isinstance(value, list):
        for item in value:
            _collect(item, found)


def masked(value, secrets: set[str] = frozenset(), key: str | None = None):
    """``value`` with every credential replaced by ``***``: values under a secret
    key, and any known secret inside a string."""
    if key in SECRET_KEYS and value is not None and not isinstance(value, (dict, list, bool)):
        return MASK
    if isinstance(value, dict):
        return {k: masked(v, secrets, k) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v, secrets) for v in value]
    if isinstance(value, str):
        return scrub(value, secrets)
    return value


def scrub(text: str, secrets: set[str]) -> str:
    # longest first, so a secret that contains another is masked whole
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= 4:
            text = text.replace(secret, MASK)
    return text
