"""Scenarios: loading, validating and running YAML scenario files."""
