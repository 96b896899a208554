"""The inspector page, ``GET /__mock/ui``: clock, state, delivery timeline,
journal, faults and scenarios in a browser, drawn from the admin API."""
