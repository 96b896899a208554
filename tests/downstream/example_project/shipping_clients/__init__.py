"""A downstream project's API clients: they talk to the production URLs."""
