"""The inspector page's rows of the route registry: its three files, served
under the admin API."""
from ..admin.operations import admin_operation

PAGE = admin_operation(
    "ui", "/ui", ["GET"],
    "The inspector page: clock, state, delivery timeline, journal, faults and scenarios (HTML). "
    "Served without the admin token; the page sends it on its own calls",
    media_type="text/html",
)
SCRIPT = admin_operation("ui.script", "/ui/inspector.js", ["GET"], "The inspector page's script",
                         media_type="text/javascript")
STYLE = admin_operation("ui.style", "/ui/inspector.css", ["GET"], "The inspector page's style sheet",
                        media_type="text/css")

OPERATIONS = (PAGE, SCRIPT, STYLE)
# what the admin token does not guard: the page's files, which hold no data
SHELL_OPERATIONS = frozenset(op.name for op in OPERATIONS)
