"""Navixy's mocked operations: its rows of the route registry."""
from ..apis import NAVIXY, NAVIXY_PREFIX
from ..operation import Operation


def _delivery(action: str, summary: str) -> Operation:
    # both calls take the same parameters and answer the same envelope
    return Operation(
        name=f"navixy.delivery.{action}",
        api=NAVIXY,
        path=f"{NAVIXY_PREFIX}/user/session/delivery/{action}",
        methods=("GET", "POST"),
        summary=summary,
        request_schema="navixy/delivery_request.schema.json",
        response_schema="navixy/delivery_response.schema.json",
        error_schema="navixy/error.schema.json",
        query_params=("hash",),
    )


CREATE = _delivery("create", "Create a delivery session key (replaces any earlier one)")
READ = _delivery("read", "Read the current delivery session key")
OPERATIONS = (CREATE, READ)
