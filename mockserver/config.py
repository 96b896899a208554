"""Settings of one mock app. Every knob lives here with its default."""
from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from os import PathLike

from .clock import MAX_DURATION_SECONDS, MODES
from .delivery.schedule import DELAYS_FROM
from .dellin.errors import METADATA_DETAIL_CHOICES
from .journal import DEFAULT_JOURNAL_SIZE

MiB = 1024 * 1024

# what a scenario's ``settings`` may set: the points the providers' docs leave
# open to two readings (docs/decisions.md lists both of each)
SCENARIO_SETTINGS = (
    "retry_delays_from",
    "error_subscriptions_receive_new_events",
    "webhook_timeout_seconds",
    "retry_schedule_seconds",
    "max_consecutive_failures",
    "dellin_metadata_detail",
)


class BadSettings(ValueError):
    """Settings the mock cannot run with; ``problems`` has one line per setting."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("bad mock settings: " + "; ".join(problems))


@dataclass(frozen=True)
class MockConfig:
    scenario: object = "default"  # bundled name, file path, or a scenario document (dict)
    scenario_dirs: tuple[str, ...] = ()  # folders whose files may be loaded by name, over HTTP too
    allowed_hosts: tuple[str, ...] = ()  # Host names the admin API answers besides loopback and its own address
    clock_mode: str | None = None  # virtual | real; None: the scenario's, else virtual
    allow_http_webhooks: bool = False
    validate_requests: bool = True
    max_body_bytes: int = MiB
    journal_size: int = DEFAULT_JOURNAL_SIZE
    access_log: bool = False
    dellin_session_ttl_seconds: float = 30 * 86400
    webhook_timeout_seconds: float = 5.0
    webhook_ca_bundle: str | None = None
    retry_schedule_seconds: tuple[float, ...] = (60.0, 1200.0, 10800.0)
    retry_delays_from: str = "previous_attempt"  # or "first_attempt"
    max_consecutive_failures: int = 4
    # Dellin's docs call a subscription in error "stopped": False reads that as
    # "gets no new events" (its pending retries still run)
    error_subscriptions_receive_new_events: bool = True
    webhook_concurrency: int = 8  # attempts due at one instant sent at once, at most this many
    delivery_log_size: int = 10_000  # entries kept in the delivery log (oldest go first)
    # Dellin's metadata.detail: "abc" as real answers carry it, or "title": the first error's title
    dellin_metadata_detail: str = "abc"
    admin_token: str | None = None
    seed: int | None = None  # the fault rules' random generator; None: the scenario's seed, else a drawn one
    state_file: str | None = None

    def __post_init__(self):
        problems = config_problems(self)
        if problems:
            raise BadSettings(problems)

    def with_overrides(self, **overrides) -> "MockConfig":
        known = {f.name for f in fields(self)}
        unknown = set(overrides) - known
        if unknown:
            raise TypeError(f"unknown mock settings: {', '.join(sorted(unknown))}")
        return replace(self, **overrides)

    def with_scenario_settings(self, settings: dict | None) -> "MockConfig":
        """This config with a scenario's ``settings`` over it (none: this config
        as it is); checked as any config is, ``BadSettings`` naming each problem."""
        settings = dict(settings or {})
        unknown = sorted(set(settings) - set(SCENARIO_SETTINGS))
        if unknown:
            raise BadSettings([f"{name} is not a scenario setting" for name in unknown])
        if isinstance(settings.get("retry_schedule_seconds"), list):
            # a scenario's list, as a tuple: the config stays hashable
            settings["retry_schedule_seconds"] = tuple(settings["retry_schedule_seconds"])
        return self.with_overrides(**settings)


# ------------------------------------------------------------------ validation
def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _seconds_problem(name: str, value, *, allow_zero: bool) -> str | None:
    """A finite number of seconds, within MAX_DURATION_SECONDS (derived instants stay representable)."""
    low = "0 or more" if allow_zero else "above 0"
    if not _is_number(value) or not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero) \
            or value > MAX_DURATION_SECONDS:
        return f"{name} must be a number of seconds, {low} and at most {MAX_DURATION_SECONDS}, got {value!r}"
    return None


def _count_problem(name: str, value) -> str | None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        return f"{name} must be a whole number of at least 1, got {value!r}"
    return None


def config_problems(config: MockConfig) -> list[str]:
    """Every setting that would make the mock fail or misbehave later, one line each."""
    problems = [
        _seconds_problem("webhook_timeout_seconds", config.webhook_timeout_seconds, allow_zero=False),
        _seconds_problem("dellin_session_ttl_seconds", config.dellin_session_ttl_seconds, allow_zero=False),
        _count_problem("max_consecutive_failures", config.max_consecutive_failures),
        _count_problem("webhook_concurrency", config.webhook_concurrency),
        _count_problem("max_body_bytes", config.max_body_bytes),
        _count_problem("journal_size", config.journal_size),
        _count_problem("delivery_log_size", config.delivery_log_size),
    ]
    for name in ("scenario_dirs", "allowed_hosts"):
        value = getattr(config, name)
        if isinstance(value, (str, bytes)) or not isinstance(value, (tuple, list)) \
                or not all(isinstance(item, (str, PathLike)) for item in value):
            problems.append(f"{name} must be a sequence of strings, got {value!r}")
    if config.seed is not None and (not isinstance(config.seed, int) or isinstance(config.seed, bool)
                                    or not 0 <= config.seed < 2**64):
        problems.append(f"seed must be a whole number from 0 to 2**64 - 1, got {config.seed!r}")
    if config.retry_delays_from not in DELAYS_FROM:
        problems.append(f"retry_delays_from must be one of {', '.join(DELAYS_FROM)}, got {config.retry_delays_from!r}")
    if config.dellin_metadata_detail not in METADATA_DETAIL_CHOICES:
        problems.append(
            f"dellin_metadata_detail must be one of {', '.join(METADATA_DETAIL_CHOICES)}, got {config.dellin_metadata_detail!r}"
        )
    if not isinstance(config.error_subscriptions_receive_new_events, bool):
        problems.append(
            "error_subscriptions_receive_new_events must be true or false, "
            f"got {config.error_subscriptions_receive_new_events!r}"
        )
    if config.clock_mode is not None and config.clock_mode not in MODES:
        problems.append(f"clock_mode must be one of {', '.join(MODES)} or None, got {config.clock_mode!r}")
    schedule = config.retry_schedule_seconds
    if isinstance(schedule, (str, bytes)) or not isinstance(schedule, (tuple, list)):
        problems.append(f"retry_schedule_seconds must be a sequence of delays in seconds, got {schedule!r}")
    else:
        problems.extend(
            _seconds_problem(f"retry_schedule_seconds[{index}]", delay, allow_zero=True)
            for index, delay in enumerate(schedule)
        )
    return [problem for problem in problems if problem is not None]
