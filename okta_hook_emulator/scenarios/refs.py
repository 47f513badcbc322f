"""References inside scenario values: ``${step:path}``, ``${env:NAME}``, ``${fake:email}`` (each with an
optional ``|default``). Never the wall clock, never unseeded randomness: ``fake`` values come from a Faker
instance seeded with the run's seed."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import did_you_mean

REF_RE = re.compile(r"\$\{([^{}]+)\}")

# Faker methods a scenario may call (no arguments). Kept explicit so typos get a did-you-mean.
FAKE_PROVIDERS: tuple[str, ...] = (
    "email", "safe_email", "company_email", "free_email", "user_name", "first_name", "last_name", "name",
    "phone_number", "msisdn", "country_calling_code", "city", "country", "country_code", "street_address",
    "postcode", "company", "job", "word", "uuid4", "locale", "timezone", "domain_name", "ipv4", "password",
    "random_digit", "random_number", "pystr", "color_name", "language_code",
)

_PATH_TOKEN_RE = re.compile(r"[^.\[\]]+|\[(\d+)\]")


@dataclass(frozen=True)
class Reference:
    """One ``${source:path|default}`` occurrence."""

    text: str  # the whole ``${...}``
    source: str  # "env", "fake" or a step name
    path: str
    default: str | None


def parse_reference(inner: str, text: str) -> Reference:
    """Parse the inside of ``${...}``."""
    body, sep, default = inner.partition("|")
    source, colon, path = body.partition(":")
    if not colon:
        # ${step} alone means the whole result document of that step
        return Reference(text, source.strip(), "", default if sep else None)
    return Reference(text, source.strip(), path.strip(), default if sep else None)


def find_references(value: Any) -> Iterator[tuple[str, Reference]]:
    """Yield ``(json_path_suffix, reference)`` for every reference in a nested value."""

    def walk(v: Any, path: str) -> Iterator[tuple[str, Reference]]:
        if isinstance(v, str):
            for m in REF_RE.finditer(v):
                yield path, parse_reference(m.group(1), m.group(0))
        elif isinstance(v, dict):
            for k, item in v.items():
                yield from walk(k, path) if isinstance(k, str) else iter(())
                yield from walk(item, f"{path}.{k}")
        elif isinstance(v, list):
            for i, item in enumerate(v):
                yield from walk(item, f"{path}[{i}]")

    yield from walk(value, "")


def split_path(path: str) -> list[str | int]:
    """``batches[0].eventId`` or ``batches.0.eventId`` -> ``["batches", 0, "eventId"]``."""
    parts: list[str | int] = []
    for m in _PATH_TOKEN_RE.finditer(path):
        if m.group(1) is not None:
            parts.append(int(m.group(1)))
        else:
            tok = m.group(0)
            parts.append(int(tok) if tok.isdigit() else tok)
    return parts


_MISSING = object()


def lookup(doc: Any, path: str, default: Any = _MISSING) -> Any:
    """Follow a dotted path into a result document. Raises ``KeyError`` naming the missing part."""
    cur = doc
    walked: list[str] = []
    for part in split_path(path):
        walked.append(str(part))
        if isinstance(cur, dict):
            key = part if part in cur else str(part)
            if key in cur:
                cur = cur[key]
                continue
        elif isinstance(cur, list) and isinstance(part, int) and -len(cur) <= part < len(cur):
            cur = cur[part]
            continue
        if default is not _MISSING:
            return default
        choices = list(cur) if isinstance(cur, dict) else []
        raise KeyError(f"'{'.'.join(walked)}' not found" + (did_you_mean(str(part), choices) if choices else
                                                            f" (value there is {type(cur).__name__})"))
    return cur


class Resolver:
    """Resolves references against earlier steps' result documents, the environment and a seeded Faker."""

    def __init__(self, seed: int, env: dict[str, str] | None = None,
                 faker_factory: Callable[[int], Any] | None = None):
        self.seed = seed
        self.env = dict(os.environ) if env is None else env
        self.results: dict[str, Any] = {}
        self._faker: Any = None
        self._faker_factory = faker_factory

    @property
    def faker(self) -> Any:
        if self._faker is None:
            if self._faker_factory is not None:
                self._faker = self._faker_factory(self.seed)
            else:
                from faker import Faker

                fk = Faker("en_US")
                fk.seed_instance(self.seed)
                self._faker = fk
        return self._faker

    def value_of(self, ref: Reference) -> Any:
        """The value one reference stands for. Raises ``KeyError`` with a readable reason when missing."""
        if ref.source == "env":
            if ref.path in self.env:
                return self.env[ref.path]
            if ref.default is not None:
                return ref.default
            raise KeyError(f"environment variable {ref.path} is not set (use ${{env:{ref.path}|default}})")
        if ref.source == "fake":
            return getattr(self.faker, ref.path)()
        if ref.source not in self.results:
            if ref.default is not None:
                return ref.default
            raise KeyError(f"step '{ref.source}' has no result (skipped or failed before it produced one)")
        if not ref.path:
            return self.results[ref.source]
        try:
            return lookup(self.results[ref.source], ref.path)
        except KeyError as exc:
            if ref.default is not None:
                return ref.default
            raise KeyError(f"{ref.text}: {exc.args[0]}") from None

    def resolve(self, value: Any) -> Any:
        """Return ``value`` with every reference replaced. A string that is exactly one reference keeps the
        referenced value's type; otherwise values are interpolated as text."""
        if isinstance(value, str):
            m = REF_RE.fullmatch(value)
            if m:
                return self.value_of(parse_reference(m.group(1), m.group(0)))
            return REF_RE.sub(lambda mm: _text(self.value_of(parse_reference(mm.group(1), mm.group(0)))), value)
        if isinstance(value, dict):
            return {self.resolve(k) if isinstance(k, str) else k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        return value


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    import json

    return json.dumps(value, separators=(",", ":"))
