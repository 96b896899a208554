"""``Mock``: a handle on a running mock for a test: admin calls, scenarios and
assertions that explain what did not match. The ``mock`` fixture gives one.

Everything goes through the admin API (``AdminClient``), so the same handle
drives an in-process server and an external ``mockserver serve`` alike. For
an in-process server the admin calls are made in process, and while
``routed()`` is active so are the test's own ``requests``/``httpx`` calls to
the mock's URL; other clients (a subprocess, curl) still reach it over its
socket. An HTTPS mock's URL is always reached over its socket, so that a
client's certificate checks run as against any HTTPS server.
"""
from __future__ import annotations

import contextlib
import os
from pathlib import Path

from .admin import AdminClient, MockAdminError
from .assertions import Record, call_matcher, check_count, describe_call, describe_delivery, record_matcher, records
from .server import BASE_SCENARIO, MockServer

SCENARIO_SUFFIXES = (".yaml", ".yml", ".json")


def find_scenario_file(source, search_from: Path | None, scenario_dirs) -> Path | None:
    """The file a scenario marker or ``load_scenario`` names, or None for a bundled name.

    A path (``os.PathLike``, a scenario suffix or a separator) is looked up
    from the test's folder, then the working directory, and raises
    FileNotFoundError when it is in neither; a name, in ``scenario_dirs``.
    """
    text = os.fspath(source)
    looks_like_path = isinstance(source, os.PathLike) or text.endswith(SCENARIO_SUFFIXES) or os.sep in text
    if looks_like_path:
        candidate = Path(text)
        bases = [candidate] if candidate.is_absolute() else [
            base / candidate for base in (search_from, Path.cwd()) if base is not None
        ]
        for path in bases:
            if path.is_file():
                return path
        raise FileNotFoundError(f"scenario file {text!r} not found (looked at {', '.join(map(str, bases))})")
    for folder in scenario_dirs:
        for suffix in SCENARIO_SUFFIXES:
            path = Path(folder) / f"{text}{suffix}"
            if path.is_file():
                return path
    return None


class Mock:
    def __init__(self, server: MockServer, *, scenario_dirs=(), search_from: Path | None = None):
        import requests

        self.server = server
        self.scenario_dirs = [Path(d) for d in scenario_dirs]
        self.search_from = search_from
        session = requests.Session()
        self._route = None
        if server.app is not None:
            from .interceptor import Interceptor
            from .requests_transport import InProcessAdapter

            session.mount(server.url + "/", InProcessAdapter(server.app))
            if not server.tls:  # in process, no certificate would be checked
                self._route = Interceptor(server.app, hosts=False, origins=[server.url])
        self.admin = AdminClient(server.url, server.admin_token, session=session, ca_bundle=server.ca_bundle)

    # ------------------------------------------------------------ URLs
    @property
    def url(self) -> str:
        return self.server.url

    @property
    def navixy_url(self) -> str:
        return self.server.navixy_url

    @property
    def dellin_url(self) -> str:
        return self.server.dellin_url

    @property
    def ca_bundle(self) -> str | None:
        """A PEM file with the CA of an HTTPS mock's certificate, for ``verify=``; None over HTTP."""
        return self.server.ca_bundle

    # ------------------------------------------------------------ lifecycle
    def reset(self, seed: int | None = None) -> None:
        """Back to the loaded scenario's initial state: state, clock, journal, faults, deliveries.
        ``seed`` reseeds the fault rules' random choices.

        An in-process server is reset by a direct call to what ``POST
        /__mock/reset`` runs; an external one through the admin API.
        """
        if self.server.app is not None:
            from ..app import runtime_of

            runtime_of(self.server.app).reset(seed=seed)
        else:
            self.admin.reset(seed=seed)

    def prepare(self, scenario=None, search_from: Path | None = None, seed: int | None = None) -> "Mock":
        """What the fixture does before each test: the marker's scenario, else the base one, reset
        (with the marker's seed, if it gives one)."""
        self.search_from = search_from
        if scenario is not None:
            self.load_scenario(scenario)
        elif self.server.base_scenario_dirty:
            self.load_scenario(BASE_SCENARIO)
        else:
            self.reset(seed=seed)
            return self
        if seed is not None:
            self.reset(seed=seed)
        return self

    @contextlib.contextmanager
    def routed(self):
        """While active, ``requests`` and ``httpx`` calls to ``url`` are answered
        in process (nothing changes for an external or an HTTPS mock)."""
        if self._route is None:
            yield self
            return
        self._route.start()
        try:
            yield self
        finally:
            self._route.stop()

    def close(self) -> None:
        self.admin.close()

    def load_scenario(self, source) -> dict:
        """Load a scenario: a bundled name, a YAML/JSON file path, or a document (dict).

        Names are looked up first in ``--mock-scenarios`` folders, then among
        the server's bundled ones; relative paths from the test's folder, then
        the working directory. Files are read here and sent whole, so they
        need not exist where an external server runs.
        """
        if isinstance(source, dict):
            loaded = self.admin.load_scenario(source)
            is_base = False
        else:
            path = self._scenario_file(source)
            if path is None:
                loaded = self.admin.load_bundled_scenario(str(source))
            else:
                loaded = self._post_scenario_file(path)
            is_base = str(source) == BASE_SCENARIO
        self.server.base_scenario_dirty = not is_base
        return loaded

    def _post_scenario_file(self, path: Path) -> dict:
        where = "/__mock/scenarios"
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise MockAdminError("POST", where, 0, f"cannot read scenario file {path}: {exc}") from exc
        content_type = "application/json" if path.suffix == ".json" else "application/yaml"
        try:
            return self.admin.load_scenario_text(text, content_type)
        except MockAdminError as exc:
            raise MockAdminError("POST", where, exc.status, f"scenario file {path}: {exc.message}", exc.details) from None

    def _scenario_file(self, source) -> Path | None:
        try:
            return find_scenario_file(source, self.search_from, self.scenario_dirs)
        except FileNotFoundError as exc:
            raise MockAdminError("POST", "/__mock/scenarios", 0, str(exc)) from None

    # ------------------------------------------------------------ actions
    def advance_clock(self, seconds=None, *, by=None) -> list[Record]:
        """``advance_clock(60)``, ``advance_clock(seconds=60)``, ``advance_clock("20m")`` or
        ``advance_clock(timedelta(minutes=20))``.

        Runs the retries that fall due and returns the deliveries that ran.
        """
        if (seconds is None) == (by is None):
            raise TypeError("advance_clock() takes seconds (a number, a timedelta or a duration like '20m') or by=")
        return records(self.admin.advance_clock(by if by is not None else seconds))

    def clock(self) -> Record:
        return Record(self.admin.clock())

    def trigger_order_event(self, order_number: str, event_type: str, roles=None) -> Record:
        """Fire a Dellin order event; the first delivery attempts run before this returns."""
        return Record(self.admin.trigger_order_event(order_number, event_type, roles))

    def add_fault(self, rule: dict | list | None = None, **fields) -> Record | list[Record]:
        """``add_fault({"when": ..., "respond": ...})``, ``add_fault(when=..., respond=..., times=1)``
        or ``add_fault([rule, ...])``: the rule as the mock stored it (``.id`` included), or the list."""
        if rule is not None and fields:
            raise TypeError("add_fault() takes a rule dict or keyword fields, not both")
        body = {"faults": rule} if isinstance(rule, list) else rule if rule is not None else fields
        added = self.admin.add_faults(body)
        # a list of rules, all checked before any is added, gives the list
        return records(added) if isinstance(rule, list) else Record(added[0])

    def faults(self) -> list[Record]:
        return records(self.admin.faults())

    def clear_faults(self) -> None:
        self.admin.clear_faults()

    # ------------------------------------------------------------ observation
    @property
    def requests(self) -> list[Record]:
        """The request journal, oldest first (admin calls are not journalled)."""
        return records(self.admin.journal())

    def clear_requests(self) -> None:
        self.admin.clear_journal()

    @property
    def deliveries(self) -> list[Record]:
        """The webhook delivery log: every attempt, with its outcome."""
        return records(self.admin.deliveries())

    def state(self) -> dict:
        """The same JSON as ``GET /__mock/state``."""
        return self.admin.state()

    def set_state(self, state: dict) -> dict:
        return self.admin.set_state(state)

    # ------------------------------------------------------------ assertions
    def assert_called(self, operation: str | None = None, times: int | None = None, **match) -> list[Record]:
        """Assert the journal holds ``operation`` calls (``times`` exactly, else at least one).

        Match keywords: ``api``, ``method``, ``path``, ``status``, ``query``,
        ``json`` (request body) and ``response`` (response body); dicts are
        JSON subsets, and values may be ``$regex``/``$type``/``$length``
        matchers, compiled regexes or predicates. On failure the message lists
        the calls that came close and where each did not match.
        """
        __tracebackhide__ = True
        matcher = call_matcher(operation, match)
        what = _describe_expectation(operation or "a call", match)
        return check_count(
            what, self.requests, matcher, times, describe_call,
            close=lambda e: operation is None or e.get("operation") == operation,
        )

    def assert_not_called(self, operation: str | None = None, **match) -> None:
        __tracebackhide__ = True
        self.assert_called(operation, times=0, **match)

    def assert_delivered(self, times: int | None = None, **match) -> list[Record]:
        """Assert the delivery log holds attempts whose fields match (JSON subsets)."""
        __tracebackhide__ = True
        what = _describe_expectation("a delivery", match)
        return check_count(what, self.deliveries, record_matcher(match), times, describe_delivery)


def _describe_expectation(subject: str, match: dict) -> str:
    if not match:
        return subject
    return subject + " with " + ", ".join(f"{k}={v!r}" for k, v in match.items())
