"""Settings of one mock app. Every knob lives here with its default."""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

from .journal import DEFAULT_JOURNAL_SIZE

MiB = 1024 * 1024


@dataclass(frozen=True)
class MockConfig:
    scenario: object = "default"  # bundled name, file path, or a scenario document (dict)
    scenario_dirs: tuple[str, ...] = ()  # extra folders searched for scenario names
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
    webhook_concurrency: int = 8  # attempts due at one instant sent at once, at most this many
    delivery_log_size: int = 10_000  # entries kept in the delivery log (oldest go first)
    admin_token: str | None = None
    state_file: str | None = None
    extra: dict = field(default_factory=dict)

    def with_overrides(self, **overrides) -> "MockConfig":
        known = {f.name for f in fields(self)}
        unknown = set(overrides) - known
        if unknown:
            raise TypeError(f"unknown mock settings: {', '.join(sorted(unknown))}")
        return replace(self, **overrides)
