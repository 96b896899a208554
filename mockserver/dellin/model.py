"""Dellin users, sessions and webhook subscriptions. Knows nothing of HTTP.

Every method either succeeds or raises ``DellinError`` before it changes
anything, so a failing call never leaves state half-applied. Callers hold
``store.lock`` around every call.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from operator import attrgetter

from ..clock import iso, parse_instant
from ..credentials import same_secret
from . import errors as codes, rules
from .errors import DellinError
from .orderset import OrderSet
from .paging import Page, page_of


class DellinSeedError(ValueError):
    """A Dellin state (scenario or PUT /__mock/state) that the schema allows
    but that cannot hold together: repeated ids, unknown event types, ..."""


def new_session_id() -> str:
    return str(uuid.uuid4())


# ---------------------------------------------------------------- records
@dataclass
class Session:
    id: str
    login: str
    appkey: str | None  # the appkey it was opened with; None: any listed appkey
    expires_at: datetime
    ended: bool = False

    def to_dict(self) -> dict:
        return {"id": self.id, "appkey": self.appkey, "expires_at": iso(self.expires_at), "ended": self.ended}


@dataclass
class DellinUser:
    login: str
    password: str = ""
    # the user's roles on each known order; None: unknown, every role matches
    orders: dict[str, list[str] | None] = field(default_factory=dict)

    def roles_on(self, order_number: str) -> list[str] | None:
        """The user's roles on an order; None when unknown (also for orders not listed)."""
        return self.orders.get(order_number)


_BY_ID = attrgetter("id")


@dataclass
class Subscription:
    id: int
    owner: str  # the owning user's login
    url: str
    event_types: list[str] | None  # None: every event type
    order_roles: list[str]
    state: str = rules.ENABLED  # enabled | disabled | error
    orders: OrderSet = field(default_factory=OrderSet)
    failures: int = 0  # consecutive failed deliveries; the delivery engine keeps it

    def covers(self, event_type: str) -> bool:
        return self.event_types is None or event_type in self.event_types

    def public(self) -> dict:
        """The subscription as the API shows it."""
        out: dict = {"id": self.id, "url": self.url}
        if self.event_types is not None:
            out["eventTypes"] = list(self.event_types)
        out["orderRoles"] = list(self.order_roles)
        out["state"] = self.state
        return out

    def to_dict(self) -> dict:
        """The subscription in the state/scenario shape."""
        out = self.public()
        out["orders"] = list(self.orders)
        out["failures"] = self.failures
        return out


# ---------------------------------------------------------------- checks shared by the API and seeds
def _check_roles(roles) -> None:
    bad = [r for r in roles if r not in rules.ROLES]
    if not roles:
        raise DellinError.of(codes.MISSING, "orderRoles needs at least one role", ["orderRoles"],
                             valid_values=list(rules.ROLES))
    if bad:
        raise DellinError.of(codes.INVALID_VALUE, f"orderRoles has unknown roles: {', '.join(map(str, bad))}",
                             ["orderRoles"], valid_values=list(rules.ROLES), bad_values=bad)
    _check_unique(roles, "orderRoles")


def _check_unique(values, field_name: str) -> None:
    seen, repeated = set(), {}
    for value in values:
        if value in seen:
            repeated[value] = None  # a dict keeps first-repeat order
        seen.add(value)
    repeated = list(repeated)
    if repeated:
        raise DellinError.of(
            codes.INVALID_VALUE, f"{field_name} repeats {', '.join(map(str, repeated))}", [field_name], bad_values=repeated
        )


def _check_client_state(state) -> None:
    if state not in rules.CLIENT_STATES:
        detail = "state error is set only by the mock" if state == rules.ERROR else f"state {state!r} is not allowed"
        raise DellinError.of(codes.INVALID_VALUE, detail, ["state"], valid_values=list(rules.CLIENT_STATES), bad_values=[state])


def _check_order_numbers(numbers, field_name: str = "orderNumbers") -> None:
    if not numbers:
        raise DellinError.of(codes.MISSING, f"{field_name} needs at least one order number", [field_name])
    if len(numbers) > rules.MAX_ORDERS_PER_CALL:
        raise DellinError.of(
            codes.LIST_TOO_LONG,
            f"{field_name} has {len(numbers)} order numbers; at most {rules.MAX_ORDERS_PER_CALL} per call",
            [field_name],
        )
    mistyped = [n for n in numbers if not isinstance(n, str)]
    if mistyped:
        raise DellinError.of(codes.WRONG_TYPE, f"{field_name} must hold strings", [field_name], bad_values=mistyped)
    malformed = [n for n in numbers if not rules.is_order_number(n)]
    if malformed:
        raise DellinError.of(
            codes.WRONG_FORMAT,
            f"{field_name} must hold non-empty strings of at most {rules.MAX_ORDER_NUMBER_LENGTH} characters",
            [field_name], bad_values=[n[:100] for n in malformed],
        )
    _check_unique(numbers, field_name)


# ---------------------------------------------------------------- the state
class DellinState:
    def __init__(self, seed: dict | None, *, clock, config, new_session_id=new_session_id, own=None):
        seed = seed or {}
        self._clock = clock
        self._config = config
        self._own = own  # the mock's own addresses (OwnAddresses), or None
        self._new_session_id = new_session_id
        self.appkeys: list[str] = list(seed.get("appkeys", rules.DEFAULT_APPKEYS))
        self.extra_event_types: list[str] = list(seed.get("event_types", []))
        self.users: dict[str, DellinUser] = {}
        self.sessions: dict[str, Session] = {}
        self.subscriptions: dict[int, Subscription] = {}
        without_id: list[tuple[str, dict, str]] = []
        for index, row in enumerate(seed.get("users", [])):
            self._load_user(row, f"users[{index}]", without_id)
        highest = max(self.subscriptions, default=0)
        self.next_subscription_id: int = int(seed.get("next_subscription_id", highest + 1))
        if self.next_subscription_id <= highest:
            raise DellinSeedError(
                f"next_subscription_id {self.next_subscription_id} must be above the highest subscription id {highest}"
            )
        # subscriptions seeded without an id get theirs as if created now, in seed order
        for login, row, where in without_id:
            self._load_subscription(login, {**row, "id": self.next_subscription_id}, where)
            self.next_subscription_id += 1

    # ------------------------------------------------------------ seed and dump
    def _load_user(self, row: dict, where: str, without_id: list) -> None:
        login = row["login"]
        if login in self.users:
            raise DellinSeedError(f"{where}.login: the login {login!r} appears twice")
        user = DellinUser(login=login, password=row.get("password", ""))
        for index, order in enumerate(row.get("orders", [])):
            number, roles = order["number"], order.get("roles")
            if number in user.orders:
                # refused, not merged: one row's roles would be lost without a word
                raise DellinSeedError(f"{where}.orders[{index}].number: the order {number!r} appears twice")
            user.orders[number] = list(roles) if roles is not None else None
        self.users[login] = user
        for index, entry in enumerate(row.get("sessions", [])):
            self._load_session(login, entry, f"{where}.sessions[{index}]")
        for index, sub in enumerate(row.get("subscriptions", [])):
            place = f"{where}.subscriptions[{index}]"
            if "id" in sub:
                self._load_subscription(login, sub, place)
            else:
                without_id.append((login, sub, place))

    def _load_session(self, login: str, entry, where: str) -> None:
        if isinstance(entry, str):
            entry = {"id": entry}
        session_id = entry["id"]
        if session_id in self.sessions:
            raise DellinSeedError(f"{where}: the sessionID {session_id!r} appears twice")
        self.sessions[session_id] = Session(
            id=session_id,
            login=login,
            appkey=entry.get("appkey"),
            expires_at=self._seeded_expiry(entry.get("expires_at"), where),
            ended=bool(entry.get("ended", False)),
        )

    def _seeded_expiry(self, expires, where: str) -> datetime:
        """A seeded ``expires_at``, or the lifetime counted from now (the clock's
        range and the TTL's limit keep that sum representable)."""
        if not expires:
            return self._clock.now() + self._session_ttl()
        try:
            return parse_instant(expires)
        except ValueError as exc:
            raise DellinSeedError(f"{where}.expires_at: {exc}") from None

    def _load_subscription(self, login: str, row: dict, where: str) -> None:
        sub_id = row["id"]
        if sub_id in self.subscriptions:
            raise DellinSeedError(f"{where}.id: subscription id {sub_id} appears twice")
        url = row.get("url", rules.DEFAULT_SUBSCRIPTION_URL)
        order_roles = row.get("orderRoles", rules.DEFAULT_ORDER_ROLES)
        try:
            self._check_url(url)
            if row.get("eventTypes") is not None:
                rules.check_event_types(row["eventTypes"], self.event_types())
            _check_roles(order_roles)
        except DellinError as exc:
            raise DellinSeedError(f"{where}: {exc.problems[0].detail}") from None
        self.subscriptions[sub_id] = Subscription(
            id=sub_id,
            owner=login,
            url=url,
            event_types=list(row["eventTypes"]) if row.get("eventTypes") is not None else None,
            order_roles=list(order_roles),
            state=row.get("state", rules.ENABLED),
            orders=OrderSet(row.get("orders", [])),
            failures=int(row.get("failures", 0)),
        )

    def to_dict(self) -> dict:
        """The scenario ``state.dellin`` shape; ``DellinState(seed=to_dict())`` is the same state."""
        users = []
        for user in self.users.values():
            users.append(
                {
                    "login": user.login,
                    "password": user.password,
                    "sessions": [s.to_dict() for s in self.sessions.values() if s.login == user.login],
                    "orders": [
                        {"number": number} if roles is None else {"number": number, "roles": list(roles)}
                        for number, roles in user.orders.items()
                    ],
                    "subscriptions": [s.to_dict() for s in self.subscriptions_of(user.login)],
                }
            )
        return {
            "appkeys": list(self.appkeys),
            "event_types": list(self.extra_event_types),
            "next_subscription_id": self.next_subscription_id,
            "users": users,
        }

    # ------------------------------------------------------------ directory
    def event_types(self) -> list[str]:
        """The event-type directory plus the scenario's extra types."""
        out = list(rules.directory_types())
        out.extend(t for t in self.extra_event_types if t not in out)
        return out

    # ------------------------------------------------------------ authorization
    def _session_ttl(self) -> timedelta:
        return timedelta(seconds=self._config.dellin_session_ttl_seconds)

    def _check_appkey(self, appkey: str) -> None:
        if appkey not in self.appkeys:
            raise DellinError.of(codes.BAD_APPKEY, "appkey is not a registered application key / неверный ключ приложения", ["appkey"])

    def login(self, appkey: str, login: str, password: str) -> Session:
        self._check_appkey(appkey)
        user = self.users.get(login)
        # constant time, and the same work for an unknown login as for a wrong password
        matches = same_secret(user.password if user is not None else "", password)
        if user is None or not user.password or not matches:
            raise DellinError.of(codes.BAD_CREDENTIALS, "the login or the password is wrong / неверный логин или пароль", ["login", "password"])
        session = Session(
            id=self._new_session_id(), login=login, appkey=appkey, expires_at=self._clock.now() + self._session_ttl()
        )
        self.sessions[session.id] = session
        return session

    def session(self, appkey: str, session_id: str) -> Session:
        """The live session, after checking the appkey, then the session."""
        self._check_appkey(appkey)
        # the dict is keyed by Python's salted string hash, which a client cannot
        # steer; the id itself is then compared in constant time
        session = self.sessions.get(session_id) if isinstance(session_id, str) else None
        if session is None or not same_secret(session.id, session_id):
            raise DellinError.of(codes.UNKNOWN_SESSION, "sessionID was never issued; log in first / сессия не найдена", ["sessionID"])
        if session.ended:
            raise DellinError.of(codes.UNKNOWN_SESSION, "sessionID was ended by logout; log in again / сессия закрыта", ["sessionID"])
        if self._clock.now() >= session.expires_at:
            raise DellinError.of(
                codes.SESSION_EXPIRED,
                f"sessionID expired at {iso(session.expires_at)}; log in again / время жизни сессии истекло",
                ["sessionID"],
            )
        if session.appkey is not None and session.appkey != appkey:
            raise DellinError.of(
                codes.UNKNOWN_SESSION, "sessionID was opened with another appkey / сессия открыта с другим ключом", ["appkey", "sessionID"]
            )
        return session

    def authenticate(self, appkey: str, session_id: str) -> DellinUser:
        return self.users[self.session(appkey, session_id).login]

    def logout(self, appkey: str, session_id: str) -> None:
        self.session(appkey, session_id).ended = True

    # ------------------------------------------------------------ subscriptions
    def subscriptions_of(self, login: str) -> list[Subscription]:
        found = [s for s in self.subscriptions.values() if s.owner == login]
        found.sort(key=_BY_ID)
        return found

    def subscription_of(self, login: str, sub_id: int) -> Subscription:
        """The user's subscription; another user's counts as absent."""
        sub = self.subscriptions.get(sub_id)
        if sub is None or sub.owner != login:
            raise DellinError.of(
                codes.NO_SUCH_OBJECT, f"no subscription {sub_id} for this user / подписка не найдена", ["id"], bad_values=[sub_id]
            )
        return sub

    def _check_url(self, url) -> None:
        rules.check_url(url, allow_http=self._config.allow_http_webhooks, own=self._own)

    def _checked_settings(self, url, event_types, order_roles, state) -> None:
        self._check_url(url)
        if event_types is not None:
            if not event_types:
                raise DellinError.of(
                    codes.INVALID_VALUE, "eventTypes must not be empty; leave it out to cover every type", ["eventTypes"]
                )
            _check_unique(event_types, "eventTypes")
            rules.check_event_types(event_types, self.event_types())
        _check_roles(order_roles)
        if state is not None:
            _check_client_state(state)

    def create_subscription(self, login, *, url, event_types=None, order_roles, state=None) -> Subscription:
        self._checked_settings(url, event_types, order_roles, state)
        if len(self.subscriptions_of(login)) >= rules.MAX_SUBSCRIPTIONS_PER_USER:
            raise DellinError.of(
                codes.LIMIT_REACHED,
                f"a user has at most {rules.MAX_SUBSCRIPTIONS_PER_USER} subscriptions; delete one first"
                f" / не более {rules.MAX_SUBSCRIPTIONS_PER_USER} подписок",
                ["id"],
                link=codes.WEBHOOK_DOCS,
            )
        sub = Subscription(
            id=self.next_subscription_id,
            owner=login,
            url=url,
            event_types=list(event_types) if event_types is not None else None,
            order_roles=list(order_roles),
            state=state or rules.ENABLED,
        )
        self.subscriptions[sub.id] = sub
        self.next_subscription_id += 1
        return sub

    def change_subscription(self, login, sub_id, *, url, event_types=None, order_roles, state=None) -> Subscription:
        """Replace url, event types and roles; an absent state keeps the current one.
        Setting ``enabled`` clears the failure count."""
        sub = self.subscription_of(login, sub_id)
        self._checked_settings(url, event_types, order_roles, state)
        sub.url = url
        sub.event_types = list(event_types) if event_types is not None else None
        sub.order_roles = list(order_roles)
        if state is not None:
            sub.state = state
            if state == rules.ENABLED:
                sub.failures = 0
        return sub

    def delete_subscriptions(self, login, ids: list[int]) -> None:
        if not ids:
            raise DellinError.of(codes.MISSING, "ids needs at least one id", ["ids"])
        if len(ids) > rules.MAX_IDS_PER_DELETE:
            raise DellinError.of(codes.LIST_TOO_LONG, f"at most {rules.MAX_IDS_PER_DELETE} ids per call", ["ids"])
        _check_unique(ids, "ids")
        unknown = [i for i in ids if i not in self.subscriptions or self.subscriptions[i].owner != login]
        if unknown:
            raise DellinError.of(
                codes.NO_SUCH_OBJECT,
                f"no subscription {', '.join(map(str, unknown))} for this user; nothing was deleted",
                ["ids"],
                bad_values=unknown,
            )
        for sub_id in ids:
            del self.subscriptions[sub_id]

    # ------------------------------------------------------------ orders in a subscription
    def add_orders(self, login, sub_id: int, numbers: list[str]) -> None:
        """Idempotent: a number already there stays where it is."""
        sub = self.subscription_of(login, sub_id)
        _check_order_numbers(numbers)
        for number in numbers:
            sub.orders.add(number)

    def remove_orders(self, login, sub_id: int, numbers: list[str]) -> None:
        """Idempotent: a number that is not there is ignored."""
        sub = self.subscription_of(login, sub_id)
        _check_order_numbers(numbers)
        for number in numbers:
            sub.orders.discard(number)

    def orders_page(self, login, sub_id: int, *, page: int = 1, per_page: int = rules.PER_PAGE_DEFAULT,
                    order_number: str | None = None) -> tuple[Page, list[str]]:
        """A page of the subscription's orders (past the last: an empty page), or
        the check for one number (a list of it or of nothing, on one page)."""
        sub = self.subscription_of(login, sub_id)
        if not 1 <= per_page <= rules.PER_PAGE_MAX:
            raise DellinError.of(
                codes.INVALID_VALUE, f"perPage must be 1 to {rules.PER_PAGE_MAX}", ["perPage"], bad_values=[per_page]
            )
        page = max(page, 1)  # the docs refuse only a bad perPage: a page below 1 reads as the first (ours)
        if order_number is not None:
            # only that order is reported (docs), whatever the paging: one page
            found = [order_number] if order_number in sub.orders else []
            return page_of(len(found), 1, per_page), found
        current = page_of(len(sub.orders), page, per_page)
        return current, sub.orders.slice(current.offset, per_page)

    # ------------------------------------------------------------ for the delivery engine
    def subscriptions_for_event(self, order_number: str, event_type: str,
                                roles: list[str] | None = None) -> list[tuple[Subscription, list[str]]]:
        """The subscriptions an order event notifies, each with the matched roles.

        A subscription is notified when it holds the order, covers the type, is
        enabled (or in error, unless ``error_subscriptions_receive_new_events``
        is off), and shares a role with the subscriber's roles on the order
        (``roles`` overrides them; unknown roles match every role).
        """
        out = []
        for sub in sorted(self.subscriptions.values(), key=lambda s: s.id):
            if not self._hears_new_events(sub) or not sub.covers(event_type) or order_number not in sub.orders:
                continue
            user_roles = roles if roles is not None else self.users[sub.owner].roles_on(order_number)
            matched = list(sub.order_roles) if user_roles is None else [r for r in sub.order_roles if r in user_roles]
            if matched:
                out.append((sub, matched))
        return out

    def _hears_new_events(self, sub: Subscription) -> bool:
        if sub.state == rules.ERROR:
            return self._config.error_subscriptions_receive_new_events
        return sub.state != rules.DISABLED
