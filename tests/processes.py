"""Start ``mockserver serve`` or ``mockserver proxy`` as a real subprocess and find its URL."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LISTENING = re.compile(r"mockserver (?:proxy )?listening on (https?://[^\s,]+)")


class MockProcess:
    """``python -m mockserver <command> --port 0 ...``; ``.url`` once it
    listens, ``.output`` its lines (standard output and error, as they come).
    A subclass names the command."""

    command: str

    def __init__(self, *args, timeout: float = 20.0, env: dict | None = None):
        environment = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), environment.get("PYTHONPATH")]))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mockserver", self.command, "--port", "0", *map(str, args)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment,
        )
        self.output: list[str] = []
        self._listening = threading.Event()
        self.url: str | None = None
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        if not self._listening.wait(timeout) or self.url is None:
            if self.process.poll() is None:
                self.process.kill()
            self.process.wait(5)
            raise RuntimeError(f"mockserver {self.command} did not start:\n" + "".join(self.output))

    def _read(self):
        for line in self.process.stdout:
            self.output.append(line)
            match = LISTENING.search(line)
            if match and not self._listening.is_set():
                self.url = match.group(1)
                self._listening.set()
        self._listening.set()

    def wait_for_output(self, text: str, timeout: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(text in line for line in self.output):
                return True
            time.sleep(0.02)
        return False

    def stop(self, sig=None, timeout: float = 10.0) -> int:
        """Signal the process (SIGTERM unless told), wait for it, and read the rest of its output."""
        if self.process.poll() is None:
            if sig is None:
                self.process.terminate()
            else:
                self.process.send_signal(sig)
        code = self.process.wait(timeout)
        self._reader.join(5)
        return code

    @property
    def log(self) -> str:
        return "".join(self.output)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(5)


class ServeProcess(MockProcess):
    command = "serve"


class ProxyProcess(MockProcess):
    command = "proxy"
