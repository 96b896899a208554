"""What the scenario schema cannot say: a clock start in the clock's range,
settings the mock's config accepts, one action per step, durations that
parse, well-formed matchers, ``${name}`` only after a step saves it, and the
fault rules' operations and error codes."""
from __future__ import annotations

from ..clock import ClockRangeError, checked_clock_instant, parse_duration
from ..faults.checks import rules_problems
from .matcher import pattern_problems
from .variables import BUILTIN, references

STEP_ACTIONS = ("request", "advance_clock", "trigger_event", "expect_deliveries", "expect_state")


def scenario_problems(doc: dict) -> list[tuple[str, str]]:
    out = list(clock_problems(doc.get("clock") or {}))
    out.extend(settings_problems(doc.get("settings")))
    if "faults" in doc:
        out.extend(rules_problems(doc["faults"], "faults"))
    out.extend(steps_problems(doc.get("steps") or [], declared=doc.get("variables") or {}))
    if not out:  # the state is built on the scenario's clock, so only once the rest holds
        out.extend(state_problems(doc.get("state") or {}, (doc.get("clock") or {}).get("start")))
    return out


def clock_problems(clock: dict) -> list[tuple[str, str]]:
    """``clock.start`` must be an instant the mock clock supports."""
    if "start" not in clock:
        return []
    try:
        checked_clock_instant(clock["start"])
    except ClockRangeError as exc:
        return [("clock.start", str(exc))]
    return []


def settings_problems(settings) -> list[tuple[str, str]]:
    """The scenario's ``settings`` as the config judges them, over any config
    (each setting is checked on its own)."""
    from ..config import BadSettings, MockConfig

    try:
        MockConfig().with_scenario_settings(settings)
    except BadSettings as exc:
        return [("settings", problem) for problem in exc.problems]
    return []


def steps_problems(steps: list, declared=()) -> list[tuple[str, str]]:
    """Steps' own problems, and ``${name}``s used before a step saves them
    (names the scenario's ``variables`` declare are known from the start)."""
    out = []
    saved: list[str] = list(declared)
    for index, step in enumerate(steps):
        where = f"steps[{index}]"
        actions = [k for k in STEP_ACTIONS if k in step]
        if len(actions) != 1:
            found = ", ".join(actions) if actions else "none"
            out.append((where, f"a step needs exactly one of {', '.join(STEP_ACTIONS)} (found: {found})"))
        out.extend(_action_problems(step, where))
        for key, value in step.items():
            if key == "save":
                continue
            for path, name in references(value, f"{where}.{key}"):
                if name not in saved and name not in BUILTIN:
                    known = ", ".join(saved) if saved else "none yet"
                    out.append((path, f"${{{name}}} is used before any step saves it (saved so far: {known})"))
        saved.extend(k for k in (step.get("save") or {}) if k not in saved)
    return out


def _action_problems(step: dict, where: str) -> list[tuple[str, str]]:
    out = []
    clock = step.get("advance_clock")
    if clock is not None:
        raw = clock.get("seconds", clock.get("by")) if isinstance(clock, dict) else clock
        try:
            parse_duration(raw)
        except ValueError as exc:
            out.append((f"{where}.advance_clock", str(exc)))
    expect = step.get("expect") or {}
    for key in ("json", "headers"):
        if key in expect:
            out.extend(pattern_problems(expect[key], f"{where}.expect.{key}"))
    out.extend(_retired_code_problems(step, where))
    if "expect_state" in step:
        state = step["expect_state"]
        targets = [k for k in ("dellin_subscription", "navixy_user", "match") if k in state]
        if len(targets) != 1:
            out.append((f"{where}.expect_state", "give exactly one of dellin_subscription, navixy_user or match"))
        out.extend(pattern_problems(state, f"{where}.expect_state"))
    request = step.get("request") or {}
    bodies = [k for k in ("json", "form", "body") if k in request]
    if len(bodies) > 1:
        out.append((f"{where}.request", f"give one body, not {' and '.join(bodies)}"))
    return out


def _retired_code_problems(step: dict, where: str) -> list[tuple[str, str]]:
    """A Dellin step that still expects one of the codes the mock used before
    Dellin's documented table: named, with the code that replaces it."""
    from ..dellin.errors import retired_code, unknown_code_message
    from ..errors import DELLIN
    from ..apis import api_for_path

    request, expect = step.get("request"), step.get("expect")
    if not isinstance(request, dict) or not isinstance(expect, dict) or not isinstance(expect.get("json"), dict):
        return []
    path = request.get("path")
    if not isinstance(path, str) or api_for_path(path) != DELLIN:
        return []
    problems = expect["json"].get("errors")
    if not isinstance(problems, list):
        return []
    return [
        (f"{where}.expect.json.errors[{index}].code", unknown_code_message(problem["code"]))
        for index, problem in enumerate(problems)
        if isinstance(problem, dict) and retired_code(problem.get("code")) is not None
    ]


def state_problems(state: dict, clock_start) -> list[tuple[str, str]]:
    """What the models refuse when they build the state (a hash, login,
    sessionID, subscription id or order row given twice, ...), found before
    anything is loaded, so every way in (loading, serve, validate) says it the
    same way. Whether http webhook URLs are allowed is a setting of the mock
    that loads the state: it is judged there, so here they pass."""
    from ..clock import Clock
    from ..config import MockConfig
    from ..dellin.model import DellinSeedError, DellinState
    from ..navixy.model import NavixySeedError, NavixyState

    out = []
    try:
        NavixyState(state.get("navixy"))
    except NavixySeedError as exc:
        out.append(_seed_problem("state.navixy", exc))
    try:
        DellinState(state.get("dellin"), clock=Clock(clock_start), config=MockConfig(allow_http_webhooks=True))
    except DellinSeedError as exc:
        out.append(_seed_problem("state.dellin", exc))
    return out


def _seed_problem(section: str, exc: ValueError) -> tuple[str, str]:
    # a seed error reads "<where>: <what>", where is a path such as users[1].login; or just "<what>"
    where, colon, what = str(exc).partition(": ")
    if colon and " " not in where:
        return f"{section}.{where}", what
    return section, str(exc)
