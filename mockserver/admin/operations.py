"""The admin API's operations, its rows of the route registry (served under
``/__mock``, in their own OpenAPI tag)."""
from ..apis import ADMIN, ADMIN_PREFIX
from ..operation import Operation

FAULTS = "admin/faults.schema.json"
EVENT_REQUEST = "admin/dellin_event_request.schema.json"
JOURNAL_QUERY = "admin/journal_query.schema.json"


def admin_operation(name, path, methods, summary, request_schema=None, response_schema=None, success_status=200,
                    parameters=(), media_type="application/json", body_required=True,
                    request_media_types=("application/json",)):
    """A row for ``/__mock<path>``, named ``admin.<name>``."""
    return Operation(
        name=f"admin.{name}",
        api=ADMIN,
        path=ADMIN_PREFIX + path,
        methods=tuple(methods),
        summary=summary,
        request_schema=request_schema,
        response_schema=response_schema,
        error_schema="admin/error.schema.json",
        success_status=success_status,
        parameters=tuple(parameters),
        body_required=body_required,
        request_media_types=tuple(request_media_types),
        media_type=media_type,
    )


HEALTH = admin_operation("health", "/health", ["GET"], "Liveness", response_schema="admin/health.schema.json")
RESET = admin_operation("reset", "/reset", ["POST"], "Back to the loaded scenario's initial state; {\"seed\": N} reseeds the fault rules",
            request_schema="admin/reset_request.schema.json", response_schema="admin/status.schema.json",
            body_required=False)
STATE_GET = admin_operation("state.get", "/state", ["GET"], "Dump the whole state", response_schema="state.schema.json")
STATE_PUT = admin_operation("state.put", "/state", ["PUT"], "Replace the whole state", request_schema="state.schema.json",
                response_schema="state.schema.json")
CLOCK_GET = admin_operation("clock.get", "/clock", ["GET"], "The mock clock", response_schema="admin/clock.schema.json")
CLOCK_ADVANCE = admin_operation(
    "clock.advance", "/clock/advance", ["POST"], "Advance the clock, running due retries",
    request_schema="admin/clock_advance_request.schema.json",
    response_schema="admin/clock_advance_response.schema.json",
)
REQUESTS_GET = admin_operation(
    "requests.list", "/requests", ["GET"],
    "The request journal, oldest first; filtered by api, operation, status (404 or 4xx) and since "
    "(an ISO-8601 instant of the mock clock), and cut to the most recent limit calls. An unknown parameter is a 400",
    response_schema="admin/journal.schema.json",
    parameters=tuple((name, f"{JOURNAL_QUERY}#/properties/{name}") for name in ("api", "operation", "status", "since", "limit")),
)
REQUESTS_COUNT = admin_operation(
    "requests.count", "/requests/count", ["POST"],
    "How many journaled calls match: api, operation, status, since, and a fault rule's method, path, query, body",
    request_schema="admin/requests_count_request.schema.json",
    response_schema="admin/requests_count.schema.json",
)
REQUESTS_DELETE = admin_operation("requests.clear", "/requests", ["DELETE"], "Clear the request journal",
                      response_schema="admin/status.schema.json")
SCENARIOS_GET = admin_operation("scenarios.list", "/scenarios", ["GET"], "Scenarios that can be loaded",
                    response_schema="admin/scenarios.schema.json")
SCENARIOS_POST = admin_operation("scenarios.load", "/scenarios", ["POST"], "Load a scenario by name or as a document",
                     request_schema="admin/scenario_load_request.schema.json",
                     response_schema="admin/scenario_loaded.schema.json",
                     request_media_types=("application/json", "application/yaml"))
OPENAPI = admin_operation("openapi", "/openapi.json", ["GET"], "This OpenAPI 3.1 document, built from schemas/")
TLS_CA = admin_operation("tls.ca", "/tls/ca.pem", ["GET"],
                         "The CA certificate (PEM) that signed this mock's HTTPS certificate (serve --tls)",
                         media_type="application/x-pem-file")

FAULTS_LIST = admin_operation("faults.list", "/faults", ["GET"], "The fault rules, with how often each fired",
                              response_schema=FAULTS)
FAULTS_ADD = admin_operation(
    "faults.add", "/faults", ["POST"], "Add a fault rule, or {\"faults\": [rules]}; all are checked before any is added",
    request_schema="scenario/fault.schema.json", response_schema=FAULTS, success_status=201,
)
FAULTS_CLEAR = admin_operation("faults.clear", "/faults", ["DELETE"], "Remove every fault rule", response_schema=FAULTS)

DELLIN_EVENTS = admin_operation(
    "dellin.events", "/dellin/events", ["POST"], "Trigger an order event: notify the matching subscriptions (first attempts)",
    request_schema=EVENT_REQUEST, response_schema="admin/dellin_event_response.schema.json",
)
DELLIN_DELIVERIES = admin_operation(
    "dellin.deliveries", "/dellin/deliveries", ["GET"], "The delivery log and the pending retries",
    response_schema="admin/dellin_deliveries.schema.json",
)

OPERATIONS = (
    HEALTH, RESET, STATE_GET, STATE_PUT, CLOCK_GET, CLOCK_ADVANCE,
    REQUESTS_GET, REQUESTS_COUNT, REQUESTS_DELETE, SCENARIOS_GET, SCENARIOS_POST, OPENAPI, TLS_CA,
    FAULTS_LIST, FAULTS_ADD, FAULTS_CLEAR,
    DELLIN_EVENTS, DELLIN_DELIVERIES,
)
