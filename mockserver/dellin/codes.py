"""Names for our Dellin error codes. The table itself (HTTP status, title,
when) is ``schemas/dellin/errors.json``; the README repeats it."""

MALFORMED = 1001
TOO_LARGE = 1002
CONTENT_TYPE = 1003
METHOD = 1004
NO_ENDPOINT = 1005
MISSING = 1010
WRONG_TYPE = 1011
INVALID = 1012
UNKNOWN_PARAMETER = 1013
DUPLICATE = 1014
TOO_MANY = 1015
PAGE_OUT_OF_RANGE = 1016
UNKNOWN_APPKEY = 2001
BAD_CREDENTIALS = 2002
UNKNOWN_SESSION = 2003
SESSION_ENDED = 2004
SESSION_EXPIRED = 2005
SESSION_OTHER_APPKEY = 2006
SUBSCRIPTION_NOT_FOUND = 3001
SUBSCRIPTION_LIMIT = 3002
URL_NOT_HTTPS = 3003
UNKNOWN_EVENT_TYPE = 3004
UNEXPECTED = 5000
# the state could not be stored (a failed state-file write), answered with HTTP 503: the
# table has no "service unavailable" code of its own, so the unexpected error stands for it
UNAVAILABLE = UNEXPECTED
