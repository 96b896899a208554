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
        parameters=(("hash", "navixy/common.schema.json#/$defs/hash"),),
        # HTML forms too (docs). The hash may also come in the query or an
        # Authorization: NVX header, which OpenAPI cannot offer as an alternative
        # to a body: the document asks a GET for its query and a POST for its body
        request_media_types=("application/json", "application/x-www-form-urlencoded"),
    )


CREATE = _delivery("create", "Create a delivery session key (replaces any earlier one)")
READ = _delivery("read", "Read the current delivery session key")
OPERATIONS = (CREATE, READ)
