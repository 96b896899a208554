"""Figure: the mock against WireMock and Prism, on the same request, in the same run.

Installed with npm (``cd bench && npm install --no-save wiremock
@stoplight/prism-cli``; WireMock needs a Java runtime), found in
``bench/node_modules/.bin``, ``node_modules/.bin`` or on PATH; a peer that is
missing is reported "not available" with that note.

- WireMock answers ``delivery/read`` from a stub that matches the JSON body
  (the hash), with the body the mock sent. It is measured warm: after 20 s of
  load, as its JIT needs.
- Prism mocks the mock's own OpenAPI document (``mockserver openapi``):
  request validation and an example answer.
- The mock is ``mockserver serve`` as shipped (granian, access log on).
- Beside them, a bare Flask app on granian that only sends the mock's answer:
  how near WireMock any Flask app can come on this server (reported).

Rounds rotate through the servers, as in the throughput figure; each round
gives a ratio of the mock to each peer.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import requests

from .load import run_load
from .result import NotAvailable, figure
from .servers import REPO_ROOT, ServerProcess, bare_command, mock_command
from .throughput import NAVIXY_HASH, NAVIXY_READ, compared, measure_rounds

WARM_SECONDS = 20
TARGET_WIREMOCK = 0.5
START_TIMEOUT = 90.0
BARE_GRANIAN = "bare Flask on granian"
INSTALL_NOTE = "cd bench && npm install --no-save wiremock @stoplight/prism-cli (WireMock also needs java)"


def find_tool(name: str) -> str | None:
    for folder in (REPO_ROOT / "bench" / "node_modules" / ".bin", REPO_ROOT / "node_modules" / ".bin"):
        if (folder / name).exists():
            return str(folder / name)
    return shutil.which(name)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PeerProcess:
    """A peer server on a free port, ready once ``probe`` answers; stopped on exit."""

    def __init__(self, command: list[str], url: str, probe):
        self.url = url
        self.process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise NotAvailable(f"{command[0]} exited with {self.process.returncode} on start")
            try:
                if probe(url):
                    return
            except requests.RequestException:
                pass
            time.sleep(0.25)
        self.stop()
        raise NotAvailable(f"{command[0]} did not answer within {START_TIMEOUT:g} s")

    def stop(self) -> None:
        # the npm launchers start java or node children: stop the group this process leads
        group = self.process.pid
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            try:
                os.killpg(group, sig)
            except ProcessLookupError:
                break
            try:
                self.process.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def _answers_read(url: str) -> bool:
    return requests.post(url + NAVIXY_READ, json={"hash": NAVIXY_HASH}, timeout=5).status_code == 200


def wiremock(tool: str, body: dict, folder: Path) -> PeerProcess:
    (folder / "mappings").mkdir(parents=True)
    stub = {
        "request": {"method": "POST", "url": NAVIXY_READ,
                    "bodyPatterns": [{"equalToJson": {"hash": NAVIXY_HASH}}]},
        "response": {"status": 200, "jsonBody": body, "headers": {"Content-Type": "application/json"}},
    }
    (folder / "mappings" / "read.json").write_text(json.dumps(stub), encoding="utf-8")
    port = _free_port()
    command = [tool, "--port", str(port), "--bind-address", "127.0.0.1", "--root-dir", str(folder),
               "--disable-banner", "--no-request-journal"]
    return PeerProcess(command, f"http://127.0.0.1:{port}", _answers_read)


def prism(tool: str, folder: Path, mock_url: str) -> PeerProcess:
    document = folder / "openapi.json"
    document.write_bytes(requests.get(mock_url + "/__mock/openapi.json", timeout=10).content)
    port = _free_port()
    command = [tool, "mock", str(document), "-h", "127.0.0.1", "-p", str(port)]
    return PeerProcess(command, f"http://127.0.0.1:{port}", _answers_read)


def run() -> list[dict]:
    tools = {"WireMock": find_tool("wiremock"), "Prism": find_tool("prism")}
    if not any(tools.values()):
        raise NotAvailable(f"neither WireMock nor Prism is installed: {INSTALL_NOTE}")
    body = {"hash": NAVIXY_HASH}
    rows = []
    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-peers-")))
        mock = stack.enter_context(ServerProcess(mock_command()))
        answer = requests.post(mock.url + NAVIXY_READ, json=body, timeout=10).json()
        urls = {"serve (access log on)": mock.url + NAVIXY_READ}
        bodies = folder / "bodies.json"
        bodies.write_text(json.dumps({NAVIXY_READ: answer}), encoding="utf-8")
        bare = stack.enter_context(ServerProcess(bare_command("--bodies", str(bodies), "--server", "granian")))
        urls[BARE_GRANIAN] = bare.url + NAVIXY_READ
        if tools["WireMock"]:
            try:
                peer = stack.enter_context(wiremock(tools["WireMock"], answer, folder / "wiremock"))
                run_load(peer.url + NAVIXY_READ, body=body, duration=WARM_SECONDS)  # warm its JIT
                urls["WireMock (warm)"] = peer.url + NAVIXY_READ
            except NotAvailable as reason:
                rows.append({"figure": "peers: WireMock (warm)", "available": False, "reason": str(reason)})
        if tools["Prism"]:
            try:
                peer = stack.enter_context(prism(tools["Prism"], folder, mock.url))
                urls["Prism"] = peer.url + NAVIXY_READ
            except NotAvailable as reason:
                rows.append({"figure": "peers: Prism", "available": False, "reason": str(reason)})
        runs = measure_rounds(urls, body) if len(urls) > 2 else {}
    if "WireMock (warm)" in runs:
        rows.append(compared("peers: serve against WireMock (warm)", runs, "serve (access log on)",
                             "WireMock (warm)", target=TARGET_WIREMOCK))
        rows.append(compared("peers: bare Flask on granian against WireMock (warm)", runs, BARE_GRANIAN,
                             "WireMock (warm)", target=None))
    elif not tools["WireMock"]:
        rows.append({"figure": "peers: WireMock (warm)", "available": False,
                     "reason": f"not installed: {INSTALL_NOTE}"})
    if "Prism" in runs:
        rows.append(compared("peers: serve against Prism", runs, "serve (access log on)", "Prism", target=None))
    elif not tools["Prism"]:
        rows.append({"figure": "peers: Prism", "available": False, "reason": f"not installed: {INSTALL_NOTE}"})
    return rows
