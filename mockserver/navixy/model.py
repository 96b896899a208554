"""Navixy users and their delivery sessions. Knows nothing of HTTP."""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

from . import errors as codes
from .errors import NavixyError

HASH_PATTERN = re.compile(r"^[0-9a-f]{32}$")
DELIVERY_FEATURE = "delivery"
CREATE_RIGHTS = frozenset({"admin", "delivery_session_create"})


class NavixySeedError(ValueError):
    """A Navixy state (scenario or PUT /__mock/state) that the schema allows
    but that cannot hold together: a user hash listed twice."""


def new_session_key() -> str:
    return secrets.token_hex(16)


@dataclass
class NavixyUser:
    hash: str
    master: bool = True
    rights: list[str] = field(default_factory=list)
    demo: bool = False
    tariff_features: list[str] = field(default_factory=lambda: [DELIVERY_FEATURE])
    delivery_session: str | None = None

    @classmethod
    def from_dict(cls, data: dict) -> "NavixyUser":
        return cls(
            hash=data["hash"],
            master=data.get("master", True),
            rights=list(data.get("rights", [])),
            demo=data.get("demo", False),
            tariff_features=list(data.get("tariff_features", [DELIVERY_FEATURE])),
            delivery_session=data.get("delivery_session"),
        )

    def to_dict(self) -> dict:
        return {
            "hash": self.hash,
            "master": self.master,
            "rights": list(self.rights),
            "demo": self.demo,
            "tariff_features": list(self.tariff_features),
            "delivery_session": self.delivery_session,
        }

    def may_create_delivery_session(self) -> bool:
        # the master user always has every right
        return self.master or bool(CREATE_RIGHTS.intersection(self.rights))


class NavixyState:
    def __init__(self, seed: dict | None = None, new_key=new_session_key):
        seed = seed or {}
        self._new_key = new_key
        self.users: dict[str, NavixyUser] = {}
        for index, row in enumerate(seed.get("users", [])):
            user = NavixyUser.from_dict(row)
            if user.hash in self.users:
                # refused, not merged: one of the two rows would be lost without a word
                raise NavixySeedError(f"users[{index}].hash: the hash {user.hash!r} appears twice")
            self.users[user.hash] = user

    def to_dict(self) -> dict:
        return {"users": [u.to_dict() for u in self.users.values()]}

    def user(self, hash_: str) -> NavixyUser:
        if not isinstance(hash_, str) or not HASH_PATTERN.match(hash_):
            raise NavixyError(codes.WRONG_HASH)
        user = self.users.get(hash_)
        if user is None:
            raise NavixyError(codes.USER_NOT_FOUND)
        return user

    def create_delivery_session(self, hash_: str) -> str:
        """Checks in the documented order: hash, rights, tariff, demo."""
        user = self.user(hash_)
        if not user.may_create_delivery_session():
            raise NavixyError(codes.OPERATION_NOT_PERMITTED)
        if DELIVERY_FEATURE not in user.tariff_features:
            raise NavixyError(codes.TARIFF_RESTRICTION)
        if user.demo and user.delivery_session is not None:
            raise NavixyError(codes.DEMO_MODE)
        key = self._new_key()
        # a new key replaces the old one, so old links stop working
        user.delivery_session = key
        return key

    def read_delivery_session(self, hash_: str) -> str:
        user = self.user(hash_)
        if user.delivery_session is None:
            raise NavixyError(codes.NOT_FOUND_IN_DATABASE)
        return user.delivery_session
