"""Benchmarks of the mock against its baselines, measured in the same run.

``python -m bench`` (from the repository root) runs every figure, prints a
table and writes ``bench/results.json``. Nothing here is a test: the test
suite never asserts a time.
"""
