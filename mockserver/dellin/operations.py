"""Dellin's mocked operations."""
OPERATIONS = ()
