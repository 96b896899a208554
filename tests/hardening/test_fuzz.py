"""Self-fuzzing: schemathesis generates requests from the served OpenAPI
document and runs them against the app in-process (WSGI), checking that no
answer is a server error or leaves the documented contract.

The normal suite runs a bounded profile. The long run is one command:

    MOCK_FUZZ_EXAMPLES=1000 python -m pytest tests/hardening/test_fuzz.py
"""
from __future__ import annotations

import os

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from mockserver import create_app

MAX_EXAMPLES = int(os.environ.get("MOCK_FUZZ_EXAMPLES", "20"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

app = create_app()
schema = schemathesis.openapi.from_wsgi("/__mock/openapi.json", app)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize="MOCK_FUZZ_EXAMPLES" not in os.environ,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_keeps_its_contract_under_generated_input(case):
    case.call_and_validate(checks=CHECKS)
