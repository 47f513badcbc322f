"""Load and check scenario files. Every problem becomes a ``ScenarioError`` naming the file, the step, the
JSON path and (where it can) the closest valid name."""

from __future__ import annotations

import functools
import json
from dataclasses import fields
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..emulator.policy import DeliveryPolicy
from ..errors import EmulatorUsageError, did_you_mean
from .model import ACTIONS, SUPPORTED_VERSION, Scenario, ScenarioError, Step
from .refs import FAKE_PROVIDERS, find_references

TOP_KEYS = ("version", "name", "description", "target", "targets", "seed", "requires", "tags", "steps")
EXPECT_KEYS = ("verdict", "status", "attempts", "commands", "problems", "outcome", "fields", "elapsed_under",
               "elapsed_over", "timed_out", "delivered", "batches", "events")
VERDICTS = {
    "verify": ("VERIFIED", "UNVERIFIED"),
    "events": ("ok", "failed", "delivered"),  # "delivered": the older name of "ok", still accepted
    "inline": ("ok", "error", "invalid", "failed"),
    "flow": ("ok", "error", "invalid", "failed"),
}


@functools.cache
def scenario_schema() -> dict[str, Any]:
    """The scenario format's JSON Schema (``scenarios/scenario.schema.json``)."""
    text = resources.files("okta_hook_emulator.scenarios").joinpath("scenario.schema.json").read_text("utf-8")
    return json.loads(text)


@functools.cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(scenario_schema())


def step_keys() -> tuple[str, ...]:
    return tuple(scenario_schema()["$defs"]["step"]["properties"])


def schema_errors(doc: Any) -> list[tuple[str, str]]:
    """``[(json_path, message)]`` for every JSON Schema violation of a scenario document."""
    out = []
    for err in sorted(_validator().iter_errors(doc), key=lambda e: list(map(str, e.absolute_path))):
        path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err.absolute_path)
        out.append((path, err.message))
    return out


def library_dir() -> Any:
    """The package folder holding the built-in scenarios."""
    return resources.files("okta_hook_emulator.scenarios").joinpath("library")


def builtin_names() -> list[str]:
    """Names of the built-in scenarios, sorted."""
    return sorted(p.name[:-5] for p in library_dir().iterdir() if p.name.endswith(".yaml"))


def load_builtin(name: str) -> Scenario:
    """Load a built-in scenario by name."""
    names = builtin_names()
    if name not in names:
        raise ScenarioError(f"no built-in scenario named '{name}'.{did_you_mean(name, names)} "
                            "Run 'okta-hooks scenarios' to list them, or pass a file path.")
    text = library_dir().joinpath(f"{name}.yaml").read_text("utf-8")
    return load_text(text, source=f"builtin:{name}")


def load(name_or_path: str | Path) -> Scenario:
    """Load a scenario from a file path, or a built-in one by name."""
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml", ".json") or p.exists():
        if not p.exists():
            raise ScenarioError(f"file not found: {p}", file=str(p))
        try:
            text = p.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ScenarioError(f"cannot read the file: {exc}", file=str(p)) from None
        return load_text(text, source=str(p))
    return load_builtin(str(name_or_path))


def load_text(text: str, source: str = "<string>") -> Scenario:
    """Parse YAML (or JSON) text and check it. Raises ``ScenarioError``."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError(f"invalid YAML: {where}{problem}", file=source) from None
    return check(doc, source=source)


def _unknown_keys(obj: dict, known: tuple[str, ...], *, source: str, step: str | None, path: str,
                  what: str) -> None:
    for key in obj:
        if key not in known:
            raise ScenarioError(f"unknown {what} '{key}'.{did_you_mean(str(key), known)} "
                                f"Allowed: {', '.join(known)}.", file=source, step=step, path=f"{path}.{key}")


def check(doc: Any, source: str = "<string>") -> Scenario:
    """Check a parsed scenario document and build a ``Scenario``."""
    if not isinstance(doc, dict):
        raise ScenarioError(f"a scenario is a mapping with version, name and steps; got {type(doc).__name__}",
                            file=source, path="$")
    _unknown_keys(doc, TOP_KEYS, source=source, step=None, path="$", what="top-level key")
    if "version" not in doc:
        raise ScenarioError(f"missing 'version' header: add 'version: {SUPPORTED_VERSION}' at the top",
                            file=source, path="$.version")
    if doc["version"] != SUPPORTED_VERSION:
        raise ScenarioError(f"scenario version {doc['version']!r} is not supported; this emulator reads "
                            f"version {SUPPORTED_VERSION}", file=source, path="$.version")
    steps_doc = doc.get("steps")
    if not isinstance(steps_doc, list) or not steps_doc:
        raise ScenarioError("'steps' must be a non-empty list of steps", file=source, path="$.steps")

    targets = doc.get("targets") or {}
    if not isinstance(targets, dict):
        raise ScenarioError("'targets' must be a mapping of names to hook URLs, e.g. targets: {events: "
                            "'http://127.0.0.1:8001/events', tokens: null}", file=source, path="$.targets")
    known_step_keys = step_keys()
    steps: list[Step] = []
    seen: list[str] = []
    for i, sd in enumerate(steps_doc):
        base = f"$.steps[{i}]"
        if not isinstance(sd, dict):
            raise ScenarioError("each step is a mapping with at least 'name' and 'action'", file=source,
                                path=base)
        name = sd.get("name")
        if not isinstance(name, str) or not name:
            raise ScenarioError("step has no 'name'", file=source, path=f"{base}.name")
        if name in seen:
            raise ScenarioError(f"duplicate step name '{name}'; step names must be unique", file=source,
                                step=name, path=f"{base}.name")
        _unknown_keys(sd, known_step_keys, source=source, step=name, path=base, what="step key")
        action = sd.get("action")
        if action not in ACTIONS:
            raise ScenarioError(f"unknown action {action!r}.{did_you_mean(str(action), ACTIONS)} "
                                f"Actions: {', '.join(ACTIONS)}.", file=source, step=name, path=f"{base}.action")
        _check_step(sd, action, source=source, name=name, base=base)
        _check_target(sd.get("target"), targets, source=source, name=name, base=base)
        _check_references(sd, source=source, name=name, base=base, earlier=seen)
        spec = {k: v for k, v in sd.items() if k not in ("name", "action", "expect")}
        steps.append(Step(name=name, action=action, spec=spec, expect=dict(sd.get("expect") or {}), index=i))
        seen.append(name)

    for path, message in schema_errors(doc):
        step = None
        if path.startswith("$.steps["):
            idx = int(path[len("$.steps["):].split("]")[0])
            step = steps[idx].name if idx < len(steps) else None
        raise ScenarioError(f"does not match the scenario schema: {message}", file=source, step=step, path=path)

    return Scenario(name=doc["name"], description=doc.get("description", ""), steps=steps,
                    version=doc["version"], target=doc.get("target"), targets=dict(targets), seed=doc.get("seed"),
                    requires=dict(doc.get("requires") or {}), tags=list(doc.get("tags") or []),
                    source=source, raw=doc)


def _check_step(sd: dict, action: str, *, source: str, name: str, base: str) -> None:
    from ..payloads.catalog import get_kind

    if action in ("inline", "flow"):
        hook = sd.get("hook")
        if not isinstance(hook, str):
            raise ScenarioError(f"'{action}' steps need 'hook' (token, saml, registration, import, "
                                "password-import, telephony)", file=source, step=name, path=f"{base}.hook")
        try:
            kind = get_kind(hook)
        except EmulatorUsageError as exc:
            raise ScenarioError(str(exc), file=source, step=name, path=f"{base}.hook") from None
        if not kind.inline:
            raise ScenarioError(f"'{hook}' is not an inline hook kind; use action 'events' or 'verify'",
                                file=source, step=name, path=f"{base}.hook")
        rt = sd.get("request_type")
        if rt is not None and kind.request_types and rt not in kind.request_types:
            raise ScenarioError(f"unknown request_type '{rt}' for {kind.name}.{did_you_mean(rt, kind.request_types)}"
                                f" Known: {', '.join(kind.request_types)}.", file=source, step=name,
                                path=f"{base}.request_type")
    if action == "events":
        types = sd.get("event_types")
        if isinstance(types, str):
            types = [types]
            sd["event_types"] = types
        if not isinstance(types, list) or not types:
            raise ScenarioError("'events' steps need 'event_types': a list of event types", file=source,
                                step=name, path=f"{base}.event_types")
        from ..payloads.event_types import get_event_type

        for j, et in enumerate(types):
            if not isinstance(et, str) or "${" in et:
                continue
            try:
                get_event_type(et)
            except EmulatorUsageError as exc:
                raise ScenarioError(str(exc), file=source, step=name, path=f"{base}.event_types[{j}]") from None
    policy = sd.get("policy")
    if isinstance(policy, dict):
        known = tuple(f.name for f in fields(DeliveryPolicy))
        _unknown_keys(policy, known, source=source, step=name, path=f"{base}.policy", what="policy setting")
    expect = sd.get("expect")
    if isinstance(expect, dict):
        _unknown_keys(expect, EXPECT_KEYS, source=source, step=name, path=f"{base}.expect", what="expectation")
        verdict = expect.get("verdict")
        choices = VERDICTS.get(action, ())
        if verdict is not None and choices and verdict not in choices:
            raise ScenarioError(f"unknown verdict '{verdict}' for a {action} step.{did_you_mean(str(verdict), choices)}"
                                f" Verdicts: {', '.join(choices)}.", file=source, step=name,
                                path=f"{base}.expect.verdict")
    elif expect is not None:
        raise ScenarioError("'expect' must be a mapping", file=source, step=name, path=f"{base}.expect")


def is_url(value: Any) -> bool:
    """True for a string that is (or builds, with references) a URL rather than a target name."""
    return isinstance(value, str) and ("://" in value or "${" in value)


def _check_target(target: Any, targets: dict, *, source: str, name: str, base: str) -> None:
    if target is None or not isinstance(target, str) or is_url(target):
        return  # a wrong type is the schema's to report
    if target not in targets:
        names = list(targets)
        raise ScenarioError(f"unknown target '{target}'.{did_you_mean(target, names)} "
                            + (f"Targets: {', '.join(names)}." if names else
                               "Name the hook services in a top-level 'targets' map, or give a URL."),
                            file=source, step=name, path=f"{base}.target")


def _check_references(sd: dict, *, source: str, name: str, base: str, earlier: list[str]) -> None:
    for suffix, ref in find_references({k: v for k, v in sd.items() if k != "name"}):
        path = base + suffix
        if ref.source == "env":
            if not ref.path:
                raise ScenarioError(f"{ref.text}: name the variable, e.g. ${{env:HOOK_URL}}", file=source,
                                    step=name, path=path)
            continue
        if ref.source == "fake":
            if ref.path not in FAKE_PROVIDERS:
                raise ScenarioError(f"unknown generator '{ref.path}' in {ref.text}."
                                    f"{did_you_mean(ref.path, FAKE_PROVIDERS)} Generators: "
                                    f"{', '.join(FAKE_PROVIDERS)}.", file=source, step=name, path=path)
            continue
        if ref.source == name:
            raise ScenarioError(f"{ref.text} refers to the step itself; a step can only use earlier steps",
                                file=source, step=name, path=path)
        if ref.source not in earlier:
            hint = did_you_mean(ref.source, [*earlier, "env", "fake"])
            raise ScenarioError(f"unknown step '{ref.source}' in {ref.text}.{hint} "
                                f"Earlier steps: {', '.join(earlier) or '(none)'}.", file=source, step=name,
                                path=path)
