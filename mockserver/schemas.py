"""Every JSON Schema in ``schemas/``, loaded once and compiled once.

Schemas are named by their path relative to ``schemas/`` (for example
``navixy/delivery_request.schema.json``); each file's ``$id`` is that path under
``BASE_URI`` so that relative ``$ref``s between files resolve.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from urllib.parse import urldefrag, urljoin

from typing import TYPE_CHECKING

from rfc3339_validator import validate_rfc3339

from .resources import schemas_dir

try:  # a compiled validator that answers "valid" in microseconds; optional
    import jsonschema_rs
except ImportError:  # pragma: no cover - listed in the dependencies
    jsonschema_rs = None

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from referencing import Registry

# jsonschema and referencing (a tenth of a second to import) are imported on
# the first Python validator: with the compiled one, a valid scenario and
# valid requests never need them, so ``mockserver serve`` starts without.

BASE_URI = "https://schemas.mockserver.test/"


@dataclass(frozen=True)
class SchemaProblem:
    path: str  # JSON-path-like location in the instance, e.g. ``faults[2].when``
    message: str
    field: str | None  # the top-level (or deepest named) field involved
    validator: str  # the JSON Schema keyword that failed
    schema_path: tuple


def format_path(parts) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


class SchemaSet:
    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root else schemas_dir()
        self._validators: dict[str, Draft202012Validator] = {}
        self._fast: dict[str, object] = {}
        self._read: dict[str, dict] = {}
        self._lock = threading.Lock()

    @cached_property
    def names(self) -> frozenset[str]:
        """Every file's name, without reading any."""
        return frozenset(path.relative_to(self.root).as_posix() for path in self.root.rglob("*.json"))

    def document(self, name: str) -> dict:
        """One file, read on its first use: a start reads only what a valid
        scenario and the first requests need, not every schema."""
        doc = self._read.get(name)
        if doc is None:
            if name not in self.names:
                raise KeyError(name)
            doc = self._read.setdefault(name, json.loads((self.root / name).read_text(encoding="utf-8")))
        return doc

    @cached_property
    def documents(self) -> dict[str, dict]:
        """Every file, read."""
        return {name: self.document(name) for name in sorted(self.names)}

    @cached_property
    def registry(self) -> Registry:
        from referencing import Registry, Resource

        resources = []
        for name, doc in self.documents.items():
            if name.endswith(".schema.json"):
                doc.setdefault("$id", BASE_URI + name)
                resources.append((doc["$id"], Resource.from_contents(doc)))
        return Registry().with_resources(resources)

    def data(self, name: str):
        """A plain data file from ``schemas/`` (error tables, directories)."""
        return self.document(name)

    def inline(self, node, base: str):
        """``node``, a schema found at URI ``base``, with every ``$ref`` replaced
        by what it points at: a schema that stands alone."""
        return _inline(node, base, self.registry, ())

    def validator(self, name: str) -> Draft202012Validator:
        validator = self._validators.get(name)
        if validator is None:
            with self._lock:
                validator = self._validators.get(name)
                if validator is None:
                    from jsonschema import Draft202012Validator, FormatChecker

                    schema = self.document(name)
                    Draft202012Validator.check_schema(schema)
                    validator = Draft202012Validator(
                        _inlined(schema, self.registry), registry=self.registry, format_checker=FormatChecker()
                    )
                    self._validators[name] = validator
        return validator

    def fast_valid(self, name: str, instance) -> bool:
        """True only when ``instance`` surely matches schema ``name``.

        Most requests are valid, and the Python validator spends tens of
        microseconds walking even a two-field body, so a compiled validator
        (jsonschema-rs) answers first. It is trusted only to say "valid", and
        only on schemas whose keywords and formats it checks at least as
        strictly as the Python validator (see ``_FAST_KEYWORDS``); anything it
        rejects, or cannot read, goes to the Python validator, which alone
        words the errors. So verdicts and messages are the Python ones.
        """
        fast = self._fast.get(name, _UNSET)
        if fast is _UNSET:
            fast = self._compile_fast(name)
        if fast is None:
            return False
        try:
            return fast.is_valid(instance)
        except Exception:  # a value it cannot convert (lone surrogate, date, huge int): ask Python
            return False

    def _compile_fast(self, name: str):
        # jsonschema-rs checks the schema against its meta-schema as it compiles;
        # a schema it refuses gets no fast answer, and the Python validator
        # reports it as before
        with self._lock:
            if name in self._fast:
                return self._fast[name]
            fast = None
            schema = self.document(name)
            if jsonschema_rs is not None and _fast_safe(name, self):
                try:
                    fast = jsonschema_rs.Draft202012Validator(
                        schema, validate_formats=True, retriever=self._retrieve,
                        base_uri=schema.get("$id", BASE_URI + name),
                        formats={"date-time": python_date_time},
                    )
                except Exception:
                    fast = None
            self._fast[name] = fast
            return fast

    def _retrieve(self, uri: str):
        return self.document(urldefrag(uri).url[len(BASE_URI):])

    def problems(self, name: str, instance) -> list[SchemaProblem]:
        """Every way ``instance`` breaks schema ``name``, most specific first."""
        if self.fast_valid(name, instance):
            return []
        validator = self.validator(name)
        found = []
        for error in sorted(validator.iter_errors(instance), key=_error_order):
            leaf = deepest_error(error)
            path = list(leaf.absolute_path)
            field = next((p for p in reversed(path) if isinstance(p, str)), None)
            if field is None and leaf.validator == "required":
                field = _missing_property(leaf.message)
            if field is None and leaf.validator == "additionalProperties":
                field = _extra_property(leaf)
            found.append(
                SchemaProblem(
                    path=format_path(path),
                    message=leaf.message,
                    field=field,
                    validator=leaf.validator,
                    schema_path=tuple(leaf.absolute_schema_path),
                )
            )
        return found

    def is_valid(self, name: str, instance) -> bool:
        return self.fast_valid(name, instance) or self.validator(name).is_valid(instance)

    def check(self, name: str, instance) -> None:
        """Raise ``AssertionError`` listing every problem (for tests)."""
        problems = self.problems(name, instance)
        if problems:
            lines = "\n".join(f"  at {p.path or '<root>'}: {p.message}" for p in problems)
            raise AssertionError(f"instance does not match {name}:\n{lines}")


# Resolving a ``$ref`` through the registry on every validation cost more than
# all the other checks of a request together, so each validator gets a copy of
# its schema with the references inlined once, at compile time. Verdicts and
# messages are unchanged; only ``schema_path`` shows the inlined shape.
_DYNAMIC = ("$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor")
_SCHEMA_MAPS = {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
_ANNOTATIONS = {"title", "description", "$comment", "examples", "default", "deprecated"}


def _inlined(schema: dict, registry: Registry) -> dict:
    if any(key in json.dumps(schema) for key in _DYNAMIC):
        return schema  # dynamic scopes depend on where a $ref sits: leave them alone
    base = schema.get("$id", "")
    try:
        return _inline(schema, base, registry, ())
    except Exception:  # an unresolvable $ref: keep the original, which reports it as before
        return schema


def _inline(node, base: str, registry: Registry, stack: tuple):
    if isinstance(node, list):
        return [_inline(item, base, registry, stack) for item in node]
    if not isinstance(node, dict):
        return node
    if isinstance(node.get("$id"), str):
        base = urljoin(base, node["$id"])
    out = {}
    for key, value in node.items():
        if key in ("enum", "const", "default", "examples"):
            out[key] = value  # data, not subschemas
        elif key in _SCHEMA_MAPS and isinstance(value, dict):
            # names -> subschemas: a property may well be called "$ref"
            out[key] = {name: _inline(sub, base, registry, stack) for name, sub in value.items()}
        elif key != "$ref":
            out[key] = _inline(value, base, registry, stack)
    ref = node.get("$ref")
    if not isinstance(ref, str):
        return out
    target = urljoin(base, ref)
    if target in stack:  # recursion: keep the reference, absolute so it resolves anywhere
        out["$ref"] = target
        return out
    contents = registry.resolver().lookup(target).contents
    resolved = _inline(contents, urldefrag(target).url, registry, stack + (target,))
    if set(out) <= _ANNOTATIONS:
        return resolved
    # a $ref beside other keywords applies like one more allOf branch
    out["allOf"] = [resolved, *out.get("allOf", [])]
    return out


# Keywords on which jsonschema-rs was shown (tests/core/test_fast_validation.py)
# never to accept what the Python validator rejects. ``multipleOf`` is not
# among them: on floats the two disagree (0.3 is a multiple of 0.1 to it).
_FAST_KEYWORDS = {
    "$schema", "$id", "$ref", "$defs", "$comment", "title", "description", "default", "examples", "deprecated",
    "type", "properties", "additionalProperties", "required", "items", "prefixItems", "enum", "const",
    "pattern", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties", "propertyNames",
    "dependentRequired", "oneOf", "anyOf", "allOf", "not", "format",
}
# formats the compiled validator answers for: uuid, which it checks at least
# as strictly as the Python FormatChecker, and date-time, which it checks with
# the Python one's own function (its own takes any 23:59:60)
_CHECKED_FORMATS = {"uuid", "date-time"}
_UNSET = object()


def python_date_time(value) -> bool:
    """The Python FormatChecker's date-time check, without importing jsonschema:
    rfc3339-validator on the upper-cased text, as jsonschema runs it. A test
    holds the two together."""
    return not isinstance(value, str) or validate_rfc3339(value.upper())


def _fast_safe(name: str, schemas: SchemaSet) -> bool:
    """Whether every keyword and format of schema ``name``, through every file it
    ``$ref``s, is one the compiled validator checks at least as strictly."""
    seen: set[str] = {name}

    def walk(node, base: str) -> bool:
        if isinstance(node, list):
            return all(walk(item, base) for item in node)
        if not isinstance(node, dict):
            return True
        for key, value in node.items():
            if key not in _FAST_KEYWORDS or (key == "format" and value not in _CHECKED_FORMATS):
                return False
            if key in ("enum", "const", "default", "examples", "required", "dependentRequired"):
                continue  # data, not subschemas
            if key == "$ref":
                name = urldefrag(urljoin(base, value)).url[len(BASE_URI):]
                if name not in schemas.names:
                    return False
                if name not in seen:
                    seen.add(name)
                    if not walk(schemas.document(name), BASE_URI + name):
                        return False
            elif key in _SCHEMA_MAPS and isinstance(value, dict):
                if not all(walk(sub, base) for sub in value.values()):
                    return False
            elif not walk(value, base):
                return False
        return True

    return walk(schemas.document(name), BASE_URI + name)


def _error_order(error):
    return (list(map(str, error.absolute_path)), error.validator)


def deepest_error(error):
    """The most specific error under a oneOf/anyOf summary, which says less than its branches."""
    while error.context:
        best = max(error.context, key=lambda e: len(e.absolute_path))
        if len(best.absolute_path) <= len(error.absolute_path):
            break
        error = best
    return error


def _missing_property(message: str) -> str | None:
    # jsonschema: "'hash' is a required property"
    if message.startswith("'") and "' is a required property" in message:
        return message[1 : message.index("' is a required property")]
    return None


def _extra_property(error) -> str | None:
    extras = [k for k in error.instance if k not in error.schema.get("properties", {})]
    return str(extras[0]) if extras else None


@lru_cache(maxsize=None)
def default_schemas() -> SchemaSet:
    """The bundled schemas: immutable, so one set serves every app in the process."""
    return SchemaSet()
