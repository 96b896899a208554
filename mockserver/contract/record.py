"""Recorded exchanges -> a scenario that ``mockserver run`` accepts.

Each exchange with a mocked operation becomes a request step whose
expectation is the status and body that came back. What changes from run to
run becomes a matcher or a saved value: timestamps and free-text details a
``$regex`` or ``$type``; a delivery key, a sessionID or a subscription id that
the provider issued is saved (``save``) and used as ``${name}`` afterwards.
Credentials become variables with stand-in values (``variables``), so the
file can be committed; the inferred state uses the same stand-ins, so the
recording runs against the mock as it is, and against the provider with
``--var NAME`` for each credential.

State is inferred from what the exchanges show: Navixy users (a sub-user from
13, a tariff without delivery from 236, a demo user from 101, a session that
existed before any create), Dellin appkeys, users, sessions, the
subscriptions listed or used without being created, and the orders seen in
them.
"""
from __future__ import annotations

import hashlib
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from .exchange import NOT_JSON, Exchange
from .operations import match

TIMESTAMP = {"$regex": r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"}
HEX32 = {"$regex": "^[0-9a-f]{32}$"}
SECRET_KINDS = {
    "hash": "NAVIXY_HASH",
    "appkey": "DELLIN_APPKEY",
    "login": "DELLIN_LOGIN",
    "password": "DELLIN_PASSWORD",
    "sessionID": "DELLIN_SESSION_ID",
}


def _digest(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()  # a stand-in, not security


STAND_INS = {
    "NAVIXY_HASH": lambda n: _digest(f"navixy-hash-{n}"),
    "NAVIXY_DELIVERY_KEY": lambda n: _digest(f"navixy-delivery-{n}"),
    "DELLIN_APPKEY": lambda n: str(uuid.UUID(_digest(f"dellin-appkey-{n}"))),
    "DELLIN_SESSION_ID": lambda n: str(uuid.UUID(_digest(f"dellin-session-{n}"))),
    "DELLIN_LOGIN": lambda n: f"recorded{n}@example.test",
    "DELLIN_PASSWORD": lambda n: f"Recorded-password-{n}",
    "AUTHORIZATION": lambda n: f"recorded-authorization-{n}",
}


class Recorder:
    """Collects the proxy's exchanges; ``write`` turns them into a scenario file."""

    def __init__(self, source: str):
        parts = urlsplit(source)
        self.source = f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")
        self._lock = threading.Lock()
        self._exchanges: list[Exchange] = []
        self.unmodelled = 0

    def add(self, exchange: Exchange, findings) -> None:
        with self._lock:
            if findings is None:
                self.unmodelled += 1
            else:
                self._exchanges.append(exchange)

    @property
    def count(self) -> int:
        with self._lock:
            return len(self._exchanges)

    def scenario(self, name: str = "recorded") -> dict:
        with self._lock:
            exchanges = list(self._exchanges)
        doc = to_scenario(exchanges, name=name, source=self.source)
        if self.unmodelled:
            doc["description"] += f" {self.unmodelled} call(s) to operations the mock does not model were left out."
        return doc

    def write(self, path: Path, name: str | None = None) -> None:
        doc = self.scenario(name or _name_of(path))
        text = yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120)
        header = (
            f"# Recorded by `mockserver proxy` from {self.source}. Run it against the mock with\n"
            f"# `mockserver run {path.name}`; against the provider with --target and --var NAME for each variable.\n"
        )
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(header + text, encoding="utf-8")
        tmp.replace(path)


class _Dumper(yaml.SafeDumper):
    """Plain YAML: a repeated matcher is written out again, not as an alias."""

    def ignore_aliases(self, data):
        return True


def _name_of(path: Path) -> str:
    stem = "".join(c if c.isalnum() or c in "_.-" else "-" for c in path.stem.replace(".yaml", ""))
    return stem or "recorded"


# ------------------------------------------------------------------ the conversion
@dataclass
class _Variables:
    """Credentials -> variable names with stand-ins; issued values -> saved names."""

    names: dict = field(default_factory=dict)  # (kind, real value) -> variable name
    defaults: dict = field(default_factory=dict)  # variable name -> stand-in
    saved: dict = field(default_factory=dict)  # issued value (str or int) -> saved name
    counts: dict = field(default_factory=dict)

    def secret(self, kind: str, value: str) -> str:
        key = (kind, value)
        if key not in self.names:
            n = self.counts[kind] = self.counts.get(kind, 0) + 1
            name = kind if n == 1 else f"{kind}_{n}"
            self.names[key] = name
            self.defaults[name] = STAND_INS[kind](n)
        return self.names[key]

    def stand_in(self, kind: str, value: str) -> str:
        return self.defaults[self.secret(kind, value)]

    def save(self, prefix: str, value) -> str:
        n = self.counts[prefix] = self.counts.get(prefix, 0) + 1
        name = f"{prefix}_{n}"
        self.saved[value] = name
        return name

    def known_secret(self, value: str) -> str | None:
        return next((name for (kind, v), name in self.names.items() if v == value), None)


@dataclass
class _DellinUser:
    login: str
    password: str = ""
    sessions: list = field(default_factory=list)
    subscriptions: dict = field(default_factory=dict)  # id -> seed


@dataclass
class _World:
    """The state the exchanges show, in stand-ins."""

    navixy: dict = field(default_factory=dict)  # stand-in hash -> user seed
    navixy_created: set = field(default_factory=set)  # stand-in hashes with a successful create
    navixy_unknown: set = field(default_factory=set)
    appkeys: list = field(default_factory=list)
    users: dict = field(default_factory=dict)  # login stand-in -> _DellinUser
    session_user: dict = field(default_factory=dict)  # real sessionID -> login stand-in
    created: set = field(default_factory=set)  # subscription ids created in the recording
    orders: dict = field(default_factory=dict)  # id -> _Orders, for subscriptions not created here
    position: int = 0  # of the exchange being read
    refusals: dict = field(default_factory=dict)  # stand-in hash -> [(position, code)] of create refusals
    unexplained: set = field(default_factory=set)  # positions whose answer a fault must give

    def _subscription(self, seed: dict) -> dict:
        orders = self.orders.get(seed["id"])
        numbers = orders.seed(seed["id"]) if orders else []
        return {**seed, "orders": numbers} if numbers else dict(seed)

    def state(self) -> dict:
        state: dict = {}
        users = [u for h, u in self.navixy.items() if h not in self.navixy_unknown]
        if users:
            state["navixy"] = {"users": users}
        dellin_users = []
        for user in self.users.values():
            row = {"login": user.login}
            if user.password:
                row["password"] = user.password
            if user.sessions:
                row["sessions"] = list(user.sessions)
            if user.subscriptions:
                row["subscriptions"] = [self._subscription(seed) for seed in user.subscriptions.values()]
            dellin_users.append(row)
        if self.appkeys or dellin_users:
            state["dellin"] = {"users": dellin_users}
            if self.appkeys:  # none seen: the mock's default appkey
                state["dellin"] = {"appkeys": list(self.appkeys), **state["dellin"]}
        return state


def to_scenario(exchanges: list[Exchange], *, name: str = "recorded", source: str = "a provider") -> dict:
    variables, world = _Variables(), _World()
    recorded = []  # (exchange, operation, step)
    for exchange in exchanges:
        found = match(exchange.method, exchange.path)
        if found is None:
            continue
        world.position = len(recorded)
        recorded.append((exchange, found.operation.name, _step(exchange, found, variables, world)))
    steps = []
    for position, (exchange, operation, step) in enumerate(recorded):
        if _transient(exchange) or position in world.unexplained:
            steps.append(_fault_step(exchange, operation, variables))
        steps.append(step)
    doc = {
        "name": name,
        "description": f"{len(steps)} exchange(s) recorded through mockserver proxy from {source}.",
    }
    state = world.state()
    if state:
        doc["state"] = state
    if variables.defaults:
        doc["variables"] = dict(variables.defaults)
    doc["steps"] = steps
    return doc


def _transient(exchange: Exchange) -> bool:
    return exchange.status == 429 or exchange.status >= 500


def _fault_step(exchange: Exchange, operation: str, variables: _Variables) -> dict:
    """An admin step that makes the mock give the provider's answer once: for
    an answer no state explains (a rate limit, an outage, a refusal that a
    later success contradicts). Against a provider the step is skipped."""
    answer = exchange.response_json()
    respond: dict = {"status": exchange.status}
    if answer is not NOT_JSON:
        respond["body"] = _literal(answer, variables)
    else:
        respond["body"] = exchange.response_body.decode("utf-8", "replace").replace("${", "$${")
    if exchange.header("Content-Type", response=True):
        respond["content_type"] = exchange.header("Content-Type", response=True)
    return {
        "name": f"the provider answered {exchange.status} here, which no recorded state explains: a one-time fault",
        "request": {"method": "POST", "path": "/__mock/faults",
                    "json": {"when": {"operation": operation}, "respond": respond, "times": 1}},
        "expect": {"status": 201},
    }


def _step(exchange: Exchange, found, variables: _Variables, world: _World) -> dict:
    op, api = found.operation, found.operation.api
    body = exchange.request_body_value()
    answer = exchange.response_json()
    ok = 200 <= exchange.status < 300 and answer is not NOT_JSON
    # the request's credentials, before anything is templated
    if api == "navixy":
        _navixy_world(exchange, op.name, answer, variables, world)
    else:
        _dellin_world(exchange, found, body, answer, ok, variables, world)
    request: dict = {"method": exchange.method, "path": _template_path(exchange.path, variables)}
    if exchange.query:
        request["query"] = {k: _template(v, variables, k) for k, v in exchange.query}
    content_type = exchange.request_mimetype
    if body is not None and body is not NOT_JSON and content_type == "application/x-www-form-urlencoded":
        request["form"] = {k: _template(v, variables, k) for k, v in body.items()}
    elif body is not None and body is not NOT_JSON and content_type == "application/json":
        request["json"] = _template(body, variables)
    elif exchange.request_body:
        request["body"] = exchange.request_body.decode("utf-8", "replace").replace("${", "$${")
        if exchange.header("Content-Type"):
            request["content_type"] = exchange.header("Content-Type")
    authorization = exchange.header("Authorization")
    if authorization:
        request["headers"] = {"Authorization": _template_authorization(authorization, variables)}
    step = {"name": f"{op.name} answered {exchange.status}", "request": request}
    expect: dict = {"status": exchange.status}
    save: dict = {}
    if answer is not NOT_JSON:
        expect["json"] = _expected_body(api, op.name, exchange, answer, variables, save, world)
    step["expect"] = expect
    if save:
        step["save"] = save
    return step


# ------------------------------------------------------------------ what the exchanges show
def _navixy_world(exchange: Exchange, operation: str, answer, variables: _Variables, world: _World) -> None:
    params = exchange.request_params("navixy")
    hash_ = params.get("hash") if isinstance(params, dict) else None
    if not isinstance(hash_, str) or not hash_:
        return
    stand_in = variables.stand_in("NAVIXY_HASH", hash_)
    user = world.navixy.setdefault(stand_in, {"hash": stand_in})
    code = (answer.get("status") or {}).get("code") if isinstance(answer, dict) and isinstance(
        answer.get("status"), dict) else None
    success = isinstance(answer, dict) and answer.get("success") is True
    first = stand_in not in world.navixy_created
    if success:
        world.navixy_unknown.discard(stand_in)
    if operation.endswith(".create"):
        refusals = world.refusals.setdefault(stand_in, [])
        if success:
            # a refusal that a later success contradicts was no state of the user's
            for position, refused in refusals:
                if refused in (13, 236) or (refused == 101 and first):
                    world.unexplained.add(position)
                    _undo_refusal(user, refused)
            refusals.clear()
            world.navixy_created.add(stand_in)
        elif code in (13, 236, 101):
            refusals.append((world.position, code))
        if code == 13:
            user.update(master=False, rights=[])
        elif code == 236:
            user["tariff_features"] = []
        elif code == 101:
            user["demo"] = True
            if first:  # refused before any create here: a session existed already
                user["delivery_session"] = _digest(f"navixy-delivery-before-{stand_in}")
        elif code in (3, 4) and len(user) == 1:
            world.navixy_unknown.add(stand_in)
    elif first:
        if success and isinstance(answer.get("value"), str):
            value = answer["value"]
            if value not in variables.saved:
                user["delivery_session"] = variables.stand_in("NAVIXY_DELIVERY_KEY", value)
        elif code == 201:
            user["delivery_session"] = None
        elif code in (3, 4) and len(user) == 1:
            world.navixy_unknown.add(stand_in)


def _undo_refusal(user: dict, code: int) -> None:
    keys = {13: ("master", "rights"), 236: ("tariff_features",), 101: ("demo", "delivery_session")}[code]
    for key in keys:
        user.pop(key, None)


def _dellin_world(exchange, found, body, answer, ok: bool, variables: _Variables, world: _World) -> None:
    op = found.operation.name
    body = body if isinstance(body, dict) else {}
    appkey = body.get("appkey")
    if isinstance(appkey, str) and appkey:
        stand_in = variables.stand_in("DELLIN_APPKEY", appkey)
        if ok and stand_in not in world.appkeys:
            world.appkeys.append(stand_in)
    if op == "dellin.auth.login":
        login, password = body.get("login"), body.get("password")
        if ok and isinstance(login, str) and isinstance(password, str):
            user = world.users.setdefault(variables.stand_in("DELLIN_LOGIN", login),
                                          _DellinUser(variables.stand_in("DELLIN_LOGIN", login)))
            user.password = variables.stand_in("DELLIN_PASSWORD", password)
            session = ((answer or {}).get("data") or {}).get("sessionID") if isinstance(answer, dict) else None
            if isinstance(session, str):
                world.session_user[session] = user.login
        return
    session = body.get("sessionID")
    # a session the provider did not refuse (any answer but 401 or 403) is one it knows
    if exchange.status in (401, 403) or answer is NOT_JSON or not isinstance(session, str):
        return
    if session not in world.session_user:
        # a session opened before the recording: a user of its own
        stand_in = variables.stand_in("DELLIN_SESSION_ID", session)
        n = len(world.users) + 1
        user = _DellinUser(f"recorded-session-user{n}@example.test", sessions=[stand_in])
        world.users[user.login] = user
        world.session_user[session] = user.login
    user = world.users[world.session_user[session]]
    if ok:
        _subscriptions_seen(op, found.path_params, body, answer, user, world)


def _subscriptions_seen(op: str, path_params: dict, body: dict, answer, user: _DellinUser, world: _World) -> None:
    data = answer.get("data") if isinstance(answer, dict) else None
    if op == "dellin.webhooks.update" and "id" not in body:
        if isinstance(data, dict) and isinstance(data.get("id"), int):
            world.created.add(data["id"])
        return
    shown = data if isinstance(data, list) else [data] if isinstance(data, dict) and "id" in data else []
    for sub in shown:
        sub_id = _as_id(sub.get("id")) if isinstance(sub, dict) else None
        if sub_id is not None and sub_id not in world.created:
            seed = user.subscriptions.setdefault(sub_id, {"id": sub_id})
            # the first answer that shows a field tells its value before any change here
            for key in ("url", "eventTypes", "orderRoles", "state"):
                if key in sub and key not in seed:
                    seed[key] = sub[key]
    ids = []
    if "id" in path_params:
        ids = [path_params["id"]]
    elif op == "dellin.webhooks.delete":
        ids = body.get("ids") if isinstance(body.get("ids"), list) else []
    for raw in ids:
        sub_id = _as_id(raw)
        if sub_id is not None and sub_id not in world.created:
            user.subscriptions.setdefault(sub_id, {"id": sub_id})
    if op in ("dellin.orders.add", "dellin.orders.delete", "dellin.orders.list") and ids:
        sub_id = _as_id(ids[0])
        if sub_id is None:
            return
        if sub_id in world.created:
            return
        orders = world.orders.setdefault(sub_id, _Orders())
        numbers = body.get("orderNumbers") if isinstance(body.get("orderNumbers"), list) else []
        if op == "dellin.orders.add":
            orders.added.update(n for n in numbers if isinstance(n, str))
        elif op == "dellin.orders.delete":
            orders.deleted(n for n in numbers if isinstance(n, str))
        elif isinstance(answer.get("orders"), list):
            orders.listed(body, answer)


@dataclass
class _Orders:
    """A subscription's orders before the recording, as its answers show them.

    Until an add or a delete changes the set, a page's orders are at known
    positions, and the last page says how many there are; the gaps are filled
    with stand-in numbers, so that the mock pages them as the provider did.
    """

    positions: dict = field(default_factory=dict)  # position -> number
    others: list = field(default_factory=list)  # seen after the set changed: position unknown
    added: set = field(default_factory=set)
    total: int | None = None
    at_least: int = 0
    changed: bool = False

    def deleted(self, numbers) -> None:
        self.changed = True
        self._remember(numbers)

    def _remember(self, numbers) -> None:
        self.others.extend(n for n in numbers if n not in self.added and n not in self.others)

    def listed(self, body: dict, answer: dict) -> None:
        numbers = [n for n in answer["orders"] if isinstance(n, str)]
        if "orderNumber" in body or self.changed or self.added:
            self._remember(numbers)
            return
        metadata = answer.get("metadata") if isinstance(answer.get("metadata"), dict) else {}
        page, per_page = metadata.get("currentPage", 1), body.get("perPage", 100)
        if not (isinstance(page, int) and isinstance(per_page, int) and page >= 1 and per_page >= 1):
            self._remember(numbers)
            return
        start = (page - 1) * per_page
        for offset, number in enumerate(numbers):
            self.positions[start + offset] = number
        if numbers and metadata.get("nextPage", 0) is None:
            self.total = start + len(numbers)
        pages = metadata.get("totalPages")
        if isinstance(pages, int) and pages >= 1:
            self.at_least = max(self.at_least, (pages - 1) * per_page + 1)

    def seed(self, sub_id: int) -> list[str]:
        size = self.total if self.total is not None else max([self.at_least, *(p + 1 for p in self.positions)])
        known = set(self.positions.values())
        out = [self.positions.get(p, f"recorded-{sub_id}-{p + 1}") for p in range(size)]
        out.extend(n for n in self.others if n not in known and n not in out)
        return out


def _as_id(raw) -> int | None:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.isdigit():
        return int(raw)
    return None


# ------------------------------------------------------------------ templating
def _template(value, variables: _Variables, key: str | None = None):
    """A request value with credentials and issued values as ``${name}``."""
    if isinstance(value, dict):
        return {k: _template(v, variables, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_template(v, variables, key) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if key in ("id", "ids") and _as_id(value) in variables.saved and _as_id(value) is not None:
        return "${" + variables.saved[_as_id(value)] + "}"
    if isinstance(value, str):
        if value in variables.saved:
            return "${" + variables.saved[value] + "}"
        if key in SECRET_KINDS:
            return "${" + variables.secret(SECRET_KINDS[key], value) + "}"
        name = variables.known_secret(value)
        if name:
            return "${" + name + "}"
        return value.replace("${", "$${")
    return value


def _template_path(path: str, variables: _Variables) -> str:
    parts = path.split("/")
    for i, part in enumerate(parts):
        if part.isdigit() and int(part) in variables.saved:
            parts[i] = "${" + variables.saved[int(part)] + "}"
        else:
            parts[i] = part.replace("${", "$${")
    return "/".join(parts)


def _template_authorization(value: str, variables: _Variables) -> str:
    if value.startswith("NVX ") and " " not in value[4:]:
        return "NVX ${" + variables.secret("NAVIXY_HASH", value[4:]) + "}"
    return "${" + variables.secret("AUTHORIZATION", value) + "}"


def _expected_body(api: str, operation: str, exchange: Exchange, answer, variables: _Variables, save: dict,
                   world: _World):
    ok = 200 <= exchange.status < 300
    if api == "navixy" and isinstance(answer, dict):
        expected = _literal(answer, variables)
        value = answer.get("value")
        if ok and answer.get("success") is True and isinstance(value, str):
            if value in variables.saved:
                expected["value"] = "${" + variables.saved[value] + "}"
            elif operation.endswith(".create"):
                expected["value"] = HEX32
                save[variables.save("delivery_key", value)] = "json.value"
            else:
                expected["value"] = "${" + variables.secret("NAVIXY_DELIVERY_KEY", value) + "}"
        return expected
    if not isinstance(answer, dict):
        return _literal(answer, variables)
    expected = _literal(answer, variables)
    metadata = expected.get("metadata")
    if isinstance(metadata, dict):
        if "generated_at" in metadata:
            metadata["generated_at"] = TIMESTAMP
        if "detail" in metadata:
            metadata["detail"] = {"$type": "string"}
    for error in expected.get("errors") or []:
        if isinstance(error, dict) and "detail" in error:
            error["detail"] = {"$type": "string"}
    data = answer.get("data")
    if ok and operation == "dellin.auth.login" and isinstance(data, dict) and isinstance(data.get("sessionID"), str):
        expected["data"]["sessionID"] = {"$type": "string"}
        save[variables.save("session", data["sessionID"])] = "json.data.sessionID"
    if ok and operation == "dellin.webhooks.update" and isinstance(data, dict) and isinstance(data.get("id"), int):
        if data["id"] in world.created and data["id"] not in variables.saved:
            expected["data"]["id"] = {"$type": "integer"}
            save[variables.save("subscription", data["id"])] = "json.data.id"
    return expected


def _literal(value, variables: _Variables, key: str | None = None):
    """A response value as an expectation: issued ids and credentials by name,
    and ``${`` escaped."""
    if isinstance(value, dict):
        return {k: _literal(v, variables, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_literal(v, variables, key) for v in value]
    if key == "id" and isinstance(value, int) and not isinstance(value, bool) and value in variables.saved:
        return "${" + variables.saved[value] + "}"
    if isinstance(value, str):
        if value in variables.saved:
            return "${" + variables.saved[value] + "}"
        name = variables.known_secret(value)
        if name:
            return "${" + name + "}"
        return value.replace("${", "$${")
    return value
