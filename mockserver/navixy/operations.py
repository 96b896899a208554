"""Navixy's mocked operations."""
from ..operations import Operation

_BOTH = ("GET", "POST")

CREATE = Operation(
    name="navixy.delivery.create",
    api="navixy",
    path="/v2/user/session/delivery/create",
    methods=_BOTH,
    summary="Create a delivery session key (replaces any earlier one)",
    request_schema="navixy/delivery_request.schema.json",
    response_schema="navixy/delivery_response.schema.json",
    error_schema="navixy/error.schema.json",
    query_params=("hash",),
)
READ = Operation(
    name="navixy.delivery.read",
    api="navixy",
    path="/v2/user/session/delivery/read",
    methods=_BOTH,
    summary="Read the current delivery session key",
    request_schema="navixy/delivery_request.schema.json",
    response_schema="navixy/delivery_response.schema.json",
    error_schema="navixy/error.schema.json",
    query_params=("hash",),
)
OPERATIONS = (CREATE, READ)
