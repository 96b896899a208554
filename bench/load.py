"""Load generation: wrk when it is installed, else a bounded Python generator.

Both keep connections alive and report requests per second and the number of
answers that were not 2xx (a benchmark of error responses proves nothing).
"""
from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import ssl
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

CONNECTIONS = 8


@dataclass
class LoadResult:
    requests_per_second: float
    requests: int
    non_2xx: int
    tool: str


def tool_name() -> str:
    return "wrk" if shutil.which("wrk") else "python"


def run_load(url: str, *, method: str = "POST", body: dict | None = None, duration: float = 3.0,
             connections: int = CONNECTIONS) -> LoadResult:
    if shutil.which("wrk"):
        return _wrk(url, method, body, duration, connections)
    return _python(url, method, body, duration, connections)


# ------------------------------------------------------------------ wrk
def _lua_string(text: str) -> str:
    # a Lua long bracket cannot be closed by JSON text that has no "]]"
    assert "]]" not in text
    return "[[" + text + "]]"


def _wrk(url, method, body, duration, connections) -> LoadResult:
    script = f'wrk.method = "{method}"\n'
    if body is not None:
        script += f"wrk.body = {_lua_string(json.dumps(body))}\n"
        script += 'wrk.headers["Content-Type"] = "application/json"\n'
    fd, path = tempfile.mkstemp(suffix=".lua", prefix="bench-")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(script)
        seconds = max(1, round(duration))
        out = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", path, url],
            capture_output=True, text=True, timeout=seconds + 30, check=True,
        ).stdout
    finally:
        os.unlink(path)
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*?(\d+)", out)
    non_2xx = (int(bad.group(1)) if bad else 0) + (int(errors.group(1)) if errors else 0)
    return LoadResult(rps, total, non_2xx, "wrk")


# ------------------------------------------------------------------ python
def _python(url, method, body, duration, connections) -> LoadResult:
    parts = urlsplit(url)
    payload = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} if payload is not None else {}
    deadline = time.perf_counter() + duration
    counts = [[0, 0] for _ in range(connections)]  # per worker: done, not 2xx
    failures: list[BaseException] = []

    def connect():
        if parts.scheme == "https":
            # a loopback server under test with a certificate of its own
            # throwaway CA: the load is the point here, not the trust
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            return http.client.HTTPSConnection(parts.hostname, parts.port, timeout=10, context=context)
        return http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)

    def worker(slot):
        conn = connect()  # connects on the first request, inside the try below
        try:
            while time.perf_counter() < deadline:
                conn.request(method, parts.path or "/", body=payload, headers=headers)
                response = conn.getresponse()
                response.read()
                slot[0] += 1
                if not 200 <= response.status < 300:
                    slot[1] += 1
        except (OSError, http.client.HTTPException) as exc:
            failures.append(exc)
        finally:
            conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(slot,)) for slot in counts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"the load generator's connection failed: {failures[0]!r}")
    done = sum(slot[0] for slot in counts)
    return LoadResult(done / elapsed, done, sum(slot[1] for slot in counts), "python")
