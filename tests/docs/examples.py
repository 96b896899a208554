"""The examples in README.md and docs/, executed by Sybil.

Every fenced block is one example, run on its own: under pytest-xdist the
examples of one page may run on different workers, so none leans on another.

- ``python`` with a ``def test_...``: a test module, run by pytest in a
  subprocess (pytester) with the plugin; each of its tests must pass.
  ``python args=--opt,--opt2`` runs it with those pytest options.
- other ``python``: a script, run in a fresh namespace.
- ``sh``: shell lines.
  - ``curl`` calls go to a fresh in-process mock (one per block), whose every
    answer is held against its schema; a ``# {...}`` line right under a call
    is the answer expected. In it ``"<...>"`` stands for any value, and an
    object ending in ``, ...}`` may have more fields than it shows.
  - ``mockserver`` commands run in a subprocess, in a scratch folder that
    sees the bundled ``scenarios/``, and must exit 0; ``http://127.0.0.1:8080``
    in them is that same in-process mock on a socket, and each ``# ...`` line
    right under a command must appear in its output (``<...>`` stands for any
    text); ``NAME=value`` before a command sets its environment.
  - ``mockserver serve`` and ``mockserver proxy`` start on a free port, which
    then stands for the port the block shows, and must answer
    ``/__mock/health``. Started with ``&`` they run until ``kill [-INT] %N``
    or the end of the block, else they are stopped at once (as Ctrl-C would);
    either way they must exit 0, and the ``# ...`` lines under them must
    appear in what they printed (with ``--help`` they only print it).
  - the set-up lines (``python3 -m venv``, ``pip install``) made the
    environment this suite runs in, and ``python -m pytest`` is this suite:
    both are taken as done.
- ``yaml``: a scenario: it must validate, and its steps pass against a fresh
  mock.
- ``json schema=NAME``: a document that must validate against
  ``schemas/NAME``.
- ``text``: output shown for reading; not an example (only outside docs/).
"""
from __future__ import annotations

import ast
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
from glob import glob
from contextlib import ExitStack
from pathlib import Path
from tempfile import TemporaryDirectory

from sybil import Example, Sybil
from sybil.parsers.markdown.lexers import FencedCodeBlockLexer

REPO = Path(__file__).resolve().parents[2]
DOCS_URL = "http://127.0.0.1:8080"
ANY = "\x00any"
MORE = "\x00more"
EXECUTED = ("python", "sh", "yaml", "json")


# ------------------------------------------------------------------ parsers
class FencedBlockParser:
    """Fenced blocks whose info string starts with ``language``; ``accept``
    picks among them by their source."""

    def __init__(self, language: str, evaluator, accept=lambda source: True):
        self.language = language
        self.evaluator = evaluator
        self.accept = accept
        self.lexer = FencedCodeBlockLexer(language=r".+", mapping={"language": "info", "source": "source"})

    def __call__(self, document):
        for region in self.lexer(document):
            words = region.lexemes["info"].split()
            if words and words[0] == self.language and self.accept(region.lexemes["source"]):
                region.parsed = (region.lexemes["source"], dict(w.split("=", 1) for w in words[1:] if "=" in w))
                region.evaluator = self.evaluator
                yield region


def is_test_module(source: str) -> bool:
    return bool(test_names(source))


def test_names(source: str) -> list[str]:
    tree = ast.parse(source)
    return [node.name for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test_")]


# ------------------------------------------------------------------ python
class ModuleRunner:
    """Runs a test module with pytest in a subprocess, with the plugin."""

    def __init__(self, pytester, monkeypatch):
        self.pytester = pytester
        # the subprocess imports this checkout's packages
        monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
        # only the plugin: the other installed plugins cost seconds of start-up per run
        monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")

    def run(self, *args: str):
        return self.pytester.runpytest_subprocess("-p", "pytest_plugin.plugin", "-p", "no:cacheprovider", *args,
                                                  timeout=300)


def run_test_module(example: Example) -> None:
    source, options = example.parsed
    runner = example.namespace["doc_pytester"]
    runner.pytester.makepyfile(test_doc_example=str(source))
    result = runner.run(*filter(None, options.get("args", "").split(",")))
    outcomes = result.parseoutcomes()
    expected = len(test_names(source))
    output = "\n".join(result.outlines[-40:])
    assert result.ret == 0, f"the example's tests failed:\n{output}"
    assert outcomes.get("passed") == expected and set(outcomes) <= {"passed", "warnings", "warning"}, (
        f"expected {expected} passed, got {outcomes}:\n{output}")


def run_script(example: Example) -> None:
    source, _ = example.parsed
    code = compile("\n" * (example.line + source.line_offset) + str(source), example.path, "exec",
                   dont_inherit=True)
    exec(code, {"__name__": "__doc_example__"})


# ------------------------------------------------------------------ sh
def shell_lines(block: str) -> list[tuple[str, list[str]]]:
    """(command, the ``#`` lines right under it) pairs, in order."""
    pairs: list[tuple[str, list[str]]] = []
    current = None
    for line in re.sub(r"\\\n\s*", " ", block).splitlines():
        stripped = line.strip()
        if not stripped:
            current = None
        elif stripped.startswith("#"):
            if current is not None:
                current[1].append(stripped[1:].strip())
        else:
            current = (stripped, [])
            pairs.append(current)
    return pairs


def expected_json(text: str):
    text = re.sub(r'"<[^"]*>"', lambda _: json.dumps(ANY), text)
    text = re.sub(r",\s*\.\.\.\s*}", lambda _: ", " + json.dumps(MORE) + ": true}", text)
    return json.loads(text)


def mismatch(expected, actual, where: str = "") -> str | None:
    """Where ``actual`` differs from ``expected``, or None."""
    if expected == ANY:
        return None
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{where or '/'}: expected an object, got {actual!r}"
        keys = set(expected) - {MORE}
        if MORE not in expected and set(actual) != keys:
            return f"{where or '/'}: expected the fields {sorted(keys)}, got {sorted(actual)}"
        for key in sorted(keys):
            if key not in actual:
                return f"{where}/{key}: missing"
            found = mismatch(expected[key], actual[key], f"{where}/{key}")
            if found:
                return found
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return f"{where or '/'}: expected {len(expected)} items, got {actual!r}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            found = mismatch(e, a, f"{where}/{i}")
            if found:
                return found
        return None
    if expected != actual or type(expected) is not type(actual):
        return f"{where or '/'}: expected {expected!r}, got {actual!r}"
    return None


def parse_curl(command: str) -> dict:
    call = {"method": None, "headers": {}, "data": None, "url": None}
    args = iter(shlex.split(command, comments=True)[1:])
    for arg in args:
        if arg in ("-s", "--silent", "-S"):
            continue
        if arg in ("-X", "--request"):
            call["method"] = next(args)
        elif arg in ("-H", "--header"):
            name, _, value = next(args).partition(":")
            call["headers"][name.strip()] = value.strip()
        elif arg in ("-d", "--data", "--data-raw"):
            call["data"] = next(args)
        elif arg.startswith("-"):
            raise AssertionError(f"the docs use a curl option the examples runner does not know: {arg}")
        else:
            call["url"] = arg
    if call["data"] is not None:
        call["headers"].setdefault("Content-Type", "application/x-www-form-urlencoded")
    call["method"] = call["method"] or ("POST" if call["data"] is not None else "GET")
    assert call["url"] and re.match(r"http://127\.0\.0\.1:\d+/", call["url"] + "/"), (
        f"a curl example calls the mock on 127.0.0.1: {command}")
    return call


LONG_RUNNING = {"serve": 8080, "proxy": 8081}  # commands that serve until stopped, and their default ports


class Job:
    """A long-running ``mockserver`` command, started on a free port."""

    def __init__(self, argv: list[str], cwd: Path):
        self.argv = argv
        self.process = subprocess.Popen([sys.executable, "-m", "mockserver", *argv], cwd=cwd, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        self.started = threading.Event()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        if not self.started.wait(120):
            self.kill()
            raise AssertionError(f"mockserver {shlex.join(argv)} printed nothing within 120 s")
        found = re.search(r"listening on (http://[^\s,]+)", self.lines[0])
        if not found:
            self.kill()
            raise AssertionError(f"mockserver {shlex.join(argv)} began with {self.lines[0]!r}")
        self.url = found.group(1)

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line)
            self.started.set()
        self.started.set()

    def stop(self, sig=signal.SIGINT) -> str:
        """Stop it as a user would; it must exit 0. Returns all it printed."""
        self.process.send_signal(sig)
        try:
            code = self.process.wait(timeout=60)
        finally:
            self.kill()
        self.reader.join(10)
        output = "".join(self.lines)
        assert code == 0, f"mockserver {shlex.join(self.argv)} exited {code} when stopped:\n{output}"
        return output

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


class Shell:
    """One ``sh`` block's world, in a scratch folder that sees the bundled
    ``scenarios/``: a fresh in-process mock behind ``http://127.0.0.1:8080``
    (put on a socket only when a command needs its URL), and the
    long-running commands the block starts, each on a free port that stands
    in for the port the block shows."""

    def __init__(self, stack: ExitStack, cwd: Path):
        from mockserver import create_app

        from tests.contract import ContractClient

        self.stack = stack
        self.cwd = cwd
        (cwd / "scenarios").symlink_to(REPO / "scenarios")
        self.app = create_app()
        self.app.test_client_class = ContractClient
        self.client = self.app.test_client()
        self.urls: dict[str, str] = {}  # the URL a block shows -> where it really is
        self.jobs: list[tuple[Job, list[str]]] = []
        stack.callback(self._stop_all)

    def _stop_all(self):
        for job, _ in self.jobs:
            job.kill()

    def real_url(self, shown: str) -> str:
        if shown not in self.urls and shown == DOCS_URL:
            from mockserver.server import ThreadedServer

            self.urls[shown] = self.stack.enter_context(ThreadedServer(self.app)).url
        return self.urls.get(shown, shown)

    def rewrite(self, arg: str) -> str:
        for shown in re.findall(r"http://127\.0\.0\.1:\d+", arg):
            arg = arg.replace(shown, self.real_url(shown))
        return arg

    def curl(self, command: str, expected: list[str]) -> None:
        call = parse_curl(command)
        base = re.match(r"http://127\.0\.0\.1:\d+", call["url"]).group(0)
        assert len(expected) <= 1, f"one answer is expected under a call, found {expected}"
        if base in self.urls:  # a process the block started
            import requests

            answer = requests.request(call["method"], self.rewrite(call["url"]), headers=call["headers"],
                                      data=call["data"], timeout=60)
            text, body = answer.text, answer.json()
        else:
            assert base == DOCS_URL, f"nothing listens on {base} in this example: {command}"
            response = self.client.open(call["url"][len(DOCS_URL):] or "/", method=call["method"],
                                        headers=call["headers"], data=call["data"])
            text, body = response.get_data(as_text=True), response.get_json()
        if expected:
            problem = mismatch(expected_json(expected[0]), body)
            assert problem is None, f"{command}\nshown:  {expected[0]}\nactual: {text}\n{problem}"

    def mockserver(self, argv: list[str], expected: list[str], background: bool, env: dict | None = None) -> None:
        argv = [self.rewrite(arg) for arg in argv]
        if argv[0] in LONG_RUNNING and not {"-h", "--help"} & set(argv):
            return self.start(argv, expected, background)
        argv = [match for arg in argv for match in (sorted(glob(arg, root_dir=self.cwd)) if "*" in arg else [arg])]
        done = subprocess.run([sys.executable, "-m", "mockserver", *argv], cwd=self.cwd, capture_output=True,
                              text=True, timeout=300, env={**os.environ, **(env or {})})
        check_output(argv, done.stdout + done.stderr, expected, done.returncode)

    def start(self, argv: list[str], expected: list[str], background: bool) -> None:
        import requests

        shown = LONG_RUNNING[argv[0]]
        if "--port" in argv:
            shown = int(argv[argv.index("--port") + 1])
            argv[argv.index("--port") + 1] = "0"
        else:
            argv = [*argv, "--port", "0"]
        job = Job(argv, self.cwd)
        self.jobs.append((job, expected))
        self.urls[f"http://127.0.0.1:{shown}"] = job.url
        assert requests.get(job.url + "/__mock/health", timeout=60).json()["status"] == "ok"
        if not background:  # it would run until Ctrl-C: stop it now
            self.kill(len(self.jobs), signal.SIGINT)

    def kill(self, number: int, sig) -> None:
        job, expected = self.jobs[number - 1]
        check_output(job.argv, job.stop(sig), expected, 0)

    def finish(self) -> None:
        for number, (job, _) in enumerate(self.jobs, 1):
            if job.process.poll() is None:
                self.kill(number, signal.SIGINT)


def check_output(argv: list[str], output: str, expected: list[str], code: int) -> None:
    assert code == 0, f"mockserver {shlex.join(argv)} exited {code}:\n{output}"
    for line in expected:
        assert re.search(output_pattern(line), output), f"mockserver {shlex.join(argv)}: no {line!r} in\n{output}"


def output_pattern(line: str) -> str:
    parts = re.split(r"<[^>]*>", line)
    return ".*?".join(r"\s+".join(map(re.escape, part.split())) for part in parts)


VENV = re.compile(r"^python3? -m venv ")
PIP_INSTALL = re.compile(r"^(\.venv/bin/)?pip install ")
THIS_SUITE = re.compile(r"^(\.venv/bin/)?python3? -m pytest\b")
ENV_ASSIGNMENT = re.compile(r"^[A-Z_][A-Z0-9_]*=")


def check_extras(step: str) -> None:
    """An install of this package names only extras it has."""
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    name = re.search(r'^name = "([^"]+)"', text, re.M).group(1)
    section = text[text.index("[project.optional-dependencies]"):]
    extras = set(re.findall(r"^([\w-]+) = \[", section.split("\n[", 1)[0], re.M))
    for arg in shlex.split(step, comments=True):
        found = re.fullmatch(r"(\.|%s)\[([\w,-]+)\]" % re.escape(name), arg)
        if found:
            unknown = set(found.group(2).split(",")) - extras
            assert not unknown, f"{step}: the package has no extra {sorted(unknown)}"


def run_shell(example: Example) -> None:
    source, _ = example.parsed
    with ExitStack() as stack:
        shell = Shell(stack, Path(stack.enter_context(TemporaryDirectory())))
        for line, expected in shell_lines(str(source)):
            steps = [step.strip() for step in line.split("&&")]
            for i, step in enumerate(steps):
                under = expected if i == len(steps) - 1 else []
                if VENV.match(step) or THIS_SUITE.match(step):
                    continue
                if PIP_INSTALL.match(step):
                    check_extras(step)
                    continue
                argv = shlex.split(step, comments=True)
                background = argv[-1] == "&"
                argv = argv[:-1] if background else argv
                env = {}
                while ENV_ASSIGNMENT.match(argv[0]):  # NAME=value before a command: its environment
                    name, _, value = argv.pop(0).partition("=")
                    env[name] = value
                program = os.path.basename(argv[0])
                if program == "curl" and not background:
                    shell.curl(step, under)
                elif program == "mockserver":
                    shell.mockserver(argv[1:], under, background, env)
                elif program == "kill" and re.fullmatch(r"%\d+", argv[-1]):
                    sig = signal.SIGINT if argv[1:2] == ["-INT"] else signal.SIGTERM
                    shell.kill(int(argv[-1][1:]), sig)
                else:
                    raise AssertionError(f"the docs run a command the examples runner does not know: {step}")
        shell.finish()


# ------------------------------------------------------------------ yaml, json
def run_scenario_example(example: Example) -> None:
    from mockserver import create_app
    from mockserver.scenario.loader import parse_text, validate
    from mockserver.scenario.runner import run_scenario
    from mockserver.server import ThreadedServer

    source, _ = example.parsed
    doc = validate(parse_text(str(source), example.path), example.path)
    if not doc.get("steps"):
        return
    # as `mockserver run` serves it: loopback http receivers allowed
    with ThreadedServer(create_app(allow_http_webhooks=True)) as server:
        results = run_scenario(doc, server.url)
    assert all(r.passed for r in results), "\n".join(r.report() for r in results)
    assert len(results) == len(doc["steps"]) + 1  # loading the scenario, then each step


def check_json(example: Example) -> None:
    from mockserver.schemas import default_schemas

    source, options = example.parsed
    document = json.loads(str(source))
    assert "schema" in options, "a json example names the schema it follows: ```json schema=NAME"
    default_schemas().check(options["schema"], document)


# ------------------------------------------------------------------ Sybil
def sybils():
    """Two Sybils over README.md and docs/*.md: test modules get a pytester,
    everything else runs without one."""
    where = {"path": str(REPO), "patterns": ["README.md", "docs/*.md"], "excludes": ["*/README.md"]}
    modules = Sybil(name="module", parsers=[FencedBlockParser("python", run_test_module, is_test_module)],
                    fixtures=["doc_pytester"], **where)
    others = Sybil(name="example", parsers=[
        FencedBlockParser("python", run_script, lambda source: not is_test_module(source)),
        FencedBlockParser("sh", run_shell),
        FencedBlockParser("yaml", run_scenario_example),
        FencedBlockParser("json", check_json),
    ], **where)
    return modules + others

