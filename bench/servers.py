"""Servers started as subprocesses on loopback and free ports, and stopped.

The load generator and the server under load must not share a GIL, so every
measured server runs in its own process. Each one prints a line with
``http://HOST:PORT`` once it is listening; we read the URL from it.
"""
from __future__ import annotations

import compileall
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
URL_PATTERN = re.compile(r"https?://[0-9.]+:\d+")
START_TIMEOUT = 20.0


def mock_command(*extra: str) -> list[str]:
    """``mockserver serve`` as shipped (default server, access log on), plus ``extra``."""
    return [sys.executable, "-m", "mockserver", "serve", "--port", "0", *extra]


def bare_command(*extra: str) -> list[str]:
    return [sys.executable, "-m", "bench.bare_app", "--port", "0", *extra]


def cheroot_command(*extra: str) -> list[str]:
    return [sys.executable, "-m", "bench.cheroot_app", "--port", "0", *extra]


def compile_sources() -> None:
    """Bytecode for the repository's packages, as ``pip`` compiles an installed
    package: run from a checkout with PYTHONDONTWRITEBYTECODE set, each
    process would otherwise compile them anew, a cost no user pays twice."""
    for package in ("mockserver", "pytest_plugin", "bench"):
        compileall.compile_dir(REPO_ROOT / package, quiet=1)


def _env() -> dict:
    env = dict(os.environ)
    # the repository's own packages, whatever the caller's working directory
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env["PYTHONUNBUFFERED"] = "1"
    return env


class ServerProcess:
    """A server subprocess; ``.url`` once it is listening. Use as a context manager."""

    def __init__(self, command: list[str], *, timeout: float = START_TIMEOUT):
        self.command = command
        self.started_at = time.perf_counter()
        self.process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        self.url = self._read_url(timeout)
        # keep draining stderr so a chatty server can never block on a full pipe
        self._drain = threading.Thread(target=self._discard, args=(self.process.stderr,), daemon=True)
        self._drain.start()

    def _read_url(self, timeout: float) -> str:
        timer = threading.Timer(timeout, self.process.kill)
        timer.start()
        try:
            for line in self.process.stdout:
                match = URL_PATTERN.search(line)
                if match:
                    return match.group(0)
        finally:
            timer.cancel()
        error = self.process.stderr.read()
        raise RuntimeError(f"{' '.join(self.command)} did not start: {error.strip()[-500:]}")

    @staticmethod
    def _discard(stream) -> None:
        for _ in stream:
            pass

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._drain.join(timeout=2)
        for stream in (self.process.stdout, self.process.stderr):
            if stream:
                stream.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
