"""Collects every example in README.md and docs/ as a test (see tests/docs/examples.py)."""
import pytest

from tests.docs.examples import ModuleRunner, sybils

pytest_collect_file = sybils().pytest()


@pytest.fixture
def doc_pytester(pytester, monkeypatch):
    return ModuleRunner(pytester, monkeypatch)
