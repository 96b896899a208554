"""The admin API under /__mock: drive and inspect the mock."""

# where the admin API lives on every mock, and the header that carries its token
ADMIN_PREFIX = "/__mock"
ADMIN_TOKEN_HEADER = "X-Mock-Admin-Token"
