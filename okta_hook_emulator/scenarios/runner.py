"""Run scenarios step by step through the ``Emulator`` facade (in-process) or a running emulator server's
control API (``--server``), check each step's expectations and collect a ``ScenarioResult``.

Each step produces a *result document* (JSON-serialisable dict) that expectations, ``${step:path}``
references and reports read. It is the core's ``to_dict()`` plus these normalised keys:
``verdict``, ``http_status`` (events: ``http_statuses`` per batch), ``attempt_count``, ``elapsed_ms``
(sum of the attempts' times), ``timed_out``; events add ``batch_count`` and ``event_count``; token flows add
``tokens`` (the minted JWTs' claims, verified against the emulator's JWKS)."""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from ..clock import FixedClock
from ..errors import EmulatorUsageError, did_you_mean
from .expectations import ExpectationCheck, evaluate
from .loader import check
from .model import Scenario, ScenarioError, Step
from .refs import Resolver

PASSED, FAILED, SKIPPED, ERROR = "passed", "failed", "skipped", "error"


@dataclass
class StepResult:
    """What one step did and whether its expectations held."""

    name: str
    action: str
    label: str
    status: str  # passed | failed | skipped | error
    checks: list[ExpectationCheck] = field(default_factory=list)
    duration_ms: float = 0.0  # wall time of the step, for reports only
    summary: str = ""
    error: str | None = None
    doc: dict[str, Any] | None = None

    @property
    def passed(self) -> bool:
        return self.status in (PASSED, SKIPPED)

    @property
    def request_bodies(self) -> list[str]:
        """Every request body sent by this step (all attempts), exactly as sent."""
        return list((self.doc or {}).get("request_bodies", []))

    @property
    def warnings(self) -> list[str]:
        """What Okta likely ignores in the hook's answer (``path warning [rule] message``); never a failure."""
        from ..matchers import problem_text

        found = (self.doc or {}).get("warnings") if isinstance(self.doc, dict) else None
        return [problem_text(w) for w in found] if isinstance(found, list) else []

    @property
    def app_exception(self) -> str | None:
        """The traceback of an exception the in-process hook app raised during this step, else ``None``."""
        return find_app_exception(self.doc)

    def failures(self) -> list[ExpectationCheck]:
        return [c for c in self.checks if not c.passed]

    def to_dict(self, *, include_doc: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "action": self.action, "label": self.label,
                               "status": self.status, "summary": self.summary, "error": self.error,
                               "duration_ms": round(self.duration_ms, 1),
                               "checks": [c.to_dict() for c in self.checks], "warnings": self.warnings}
        if include_doc:
            out["result"] = self.doc
        return out


@dataclass
class ScenarioResult:
    """All steps of one scenario run."""

    name: str
    description: str
    source: str
    seed: int
    target: str
    mode: str  # "in-process" | "server"
    steps: list[StepResult] = field(default_factory=list)
    duration_ms: float = 0.0

    @property
    def passed(self) -> bool:
        return all(s.passed for s in self.steps)

    @property
    def counts(self) -> dict[str, int]:
        out = {PASSED: 0, FAILED: 0, SKIPPED: 0, ERROR: 0}
        for s in self.steps:
            out[s.status] += 1
        return out

    def to_dict(self, *, include_docs: bool = True) -> dict[str, Any]:
        return {"name": self.name, "description": self.description, "source": self.source, "seed": self.seed,
                "target": self.target, "mode": self.mode, "passed": self.passed,
                "duration_ms": round(self.duration_ms, 1), "counts": self.counts,
                "steps": [s.to_dict(include_doc=include_docs) for s in self.steps]}


# --------------------------------------------------------------------------------------------------------
# --set / --skip


def parse_sets(items: Iterable[str]) -> list[tuple[str, str, Any]]:
    """``["mint.policy.timeout=0.3"]`` -> ``[("mint", "policy.timeout", 0.3)]`` (value parsed as JSON if it
    parses, else kept as a string)."""
    out = []
    for item in items:
        left, eq, raw = item.partition("=")
        step, dot, path = left.partition(".")
        if not eq or not dot or not step or not path:
            raise EmulatorUsageError(f"--set '{item}': use STEP.PATH=VALUE, e.g. "
                                     "--set mint.policy.timeout=0.5 or --set mint.overrides.data.x=1")
        try:
            value = json.loads(raw)
        except ValueError:
            value = raw
        out.append((step, path, value))
    return out


def _set_in_step(sd: dict, path: str, value: Any) -> None:
    head, _, rest = path.partition(".")
    if head in ("overrides", "headers") and rest:
        sd.setdefault(head, {})[rest] = value
    elif head == "expect" and rest:
        sub, _, tail = rest.partition(".")
        exp = sd.setdefault("expect", {})
        if sub in ("outcome", "fields") and tail:
            exp.setdefault(sub, {})[tail] = value
        else:
            exp[rest] = value
    elif rest:
        cur = sd.setdefault(head, {})
        parts = rest.split(".")
        for p in parts[:-1]:
            cur = cur.setdefault(p, {})
        cur[parts[-1]] = value
    else:
        sd[head] = value


def customise(scenario: Scenario, sets: Iterable[tuple[str, str, Any]] = ()) -> Scenario:
    """A copy of ``scenario`` with ``--set`` values applied (re-checked, so errors still name the file)."""
    sets = [s for s in sets if s[0] in {st.name for st in scenario.steps}]
    if not sets:
        return scenario
    doc = copy.deepcopy(scenario.raw)
    for step, path, value in sets:
        for sd in doc["steps"]:
            if sd.get("name") == step:
                _set_in_step(sd, path, value)
    return check(doc, source=scenario.source)


def check_step_names(scenarios: list[Scenario], names: Iterable[str], option: str) -> None:
    """Every ``--skip``/``--set`` step name must exist in at least one scenario (did-you-mean otherwise)."""
    all_names = sorted({s.name for sc in scenarios for s in sc.steps})
    for n in names:
        if n not in all_names:
            raise EmulatorUsageError(f"{option}: no step named '{n}' in the scenario(s).{did_you_mean(n, all_names)}"
                                     f" Steps: {', '.join(all_names)}.")


def parse_targets(items: Iterable[str]) -> tuple[str | None, dict[str, str]]:
    """``--target`` values: ``URL`` (the default target; at most one) and ``NAME=URL`` (named targets)."""
    import re

    default: str | None = None
    named: dict[str, str] = {}
    for item in items:
        m = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_-]*)=(.+)", item)
        if m and "://" not in m.group(1):
            named[m.group(1)] = m.group(2)
        elif default is not None:
            raise EmulatorUsageError(f"--target '{item}': only one default target URL; name the others "
                                     "(--target NAME=URL for the scenario's 'targets').")
        else:
            default = item
    return default, named


def check_target_names(scenarios: list[Scenario], names: Iterable[str]) -> None:
    """Every ``--target NAME=URL`` must name a target of at least one scenario (did-you-mean otherwise)."""
    known = sorted({n for sc in scenarios for n in sc.targets})
    for n in names:
        if n not in known:
            raise EmulatorUsageError(f"--target {n}=...: no scenario names a target '{n}'.{did_you_mean(n, known)} "
                                     + (f"Targets: {', '.join(known)}." if known else
                                        "The scenario(s) have no 'targets' map."))


# --------------------------------------------------------------------------------------------------------
# Backends


def find_app_exception(doc: Any) -> str | None:
    """The first ``app_exception`` (an in-process app's traceback) of any attempt in a result document."""
    if isinstance(doc, dict):
        if doc.get("app_exception") and "transport" in doc:
            return str(doc["app_exception"])
        values: Iterable[Any] = doc.values()
    elif isinstance(doc, list):
        values = doc
    else:
        return None
    for value in values:
        found = find_app_exception(value)
        if found:
            return found
    return None


def _bodies(delivery: dict) -> list[str]:
    return [a["request"]["body"] for a in delivery.get("attempts", []) if a.get("request", {}).get("body")]


def _elapsed(delivery: dict) -> float:
    return float(sum(a.get("elapsed_ms", 0.0) for a in delivery.get("attempts", [])))


def _timed_out(delivery: dict) -> bool:
    return any(a.get("transport") == "timeout" for a in delivery.get("attempts", []))


def inline_doc(d: dict[str, Any]) -> dict[str, Any]:
    """Add the normalised keys to an ``InlineResult.to_dict()``."""
    delivery = d.get("delivery") or {}
    d["http_status"] = delivery.get("status", d.get("status"))
    d["attempt_count"] = len(delivery.get("attempts", []))
    d["elapsed_ms"] = _elapsed(delivery)
    d["timed_out"] = _timed_out(delivery)
    d["request_bodies"] = _bodies(delivery)
    return d


def verify_doc(d: dict[str, Any]) -> dict[str, Any]:
    """Add the normalised keys to a ``VerificationResult.to_dict()``."""
    delivery = d.get("delivery") or {}
    d["verdict"] = d.get("status")
    d["http_status"] = delivery.get("status")
    d["attempt_count"] = len(delivery.get("attempts", []))
    d["elapsed_ms"] = _elapsed(delivery)
    d["timed_out"] = _timed_out(delivery)
    d["request_bodies"] = []
    return d


def events_doc(d: dict[str, Any]) -> dict[str, Any]:
    """Add the normalised keys to an ``EventDeliveryResult.to_dict()`` (which carries the ``verdict``)."""
    batches = d.get("batches", [])
    d["http_statuses"] = [(b.get("delivery") or {}).get("status") for b in batches]
    d["http_status"] = d["http_statuses"][-1] if batches else None
    d["attempt_count"] = sum(len((b.get("delivery") or {}).get("attempts", [])) for b in batches)
    d["batch_count"] = len(batches)
    uuids = {e.get("uuid") for b in batches for e in (b.get("envelope") or {}).get("data", {}).get("events", [])}
    d["event_count"] = len(uuids)
    d["elapsed_ms"] = sum(_elapsed(b.get("delivery") or {}) for b in batches)
    d["timed_out"] = any(_timed_out(b.get("delivery") or {}) for b in batches)
    d["request_bodies"] = [body for b in batches for body in _bodies(b.get("delivery") or {})]
    return d


def _channel_kwargs(spec: dict[str, Any]) -> dict[str, Any]:
    kw: dict[str, Any] = {}
    if spec.get("auth_header"):
        kw["auth_header"] = (spec["auth_header"]["name"], spec["auth_header"]["value"])
    if spec.get("headers"):
        kw["headers"] = dict(spec["headers"])
    if spec.get("oauth"):  # an OAUTH channel (emulator/oauth_channel.py); auth_type follows from the credential
        oauth = dict(spec["oauth"])
        oauth.setdefault("auth_type", "private_key_jwt" if "private_key" in oauth else "client_secret_post")
        kw["oauth"] = oauth
    return kw


def decode_tokens(outcome: dict[str, Any], keys: Any) -> dict[str, Any]:
    """The ID and access tokens of a token outcome (or an OAuth token response), verified as a client would
    (``emulator.keys.verify`` against ``keys``: a JWKS or ``SigningKeys``): ``{name: {"claims", "signature"}}``,
    ``signature`` being ``valid`` or ``invalid: <why>``."""
    from ..emulator.keys import verify

    tokens: dict[str, Any] = {}
    for name in ("id_token", "access_token"):
        tok = outcome.get(name)
        raw = tok.get("jwt") if isinstance(tok, dict) else tok if isinstance(tok, str) else None
        if not raw:
            continue
        try:
            tokens[name] = {"claims": verify(raw, keys, check_times=False), "signature": "valid"}
        except Exception as exc:  # noqa: BLE001 - reported in the result, not raised
            tokens[name] = {"claims": None, "signature": f"invalid: {exc}"}
    return tokens


class InProcessBackend:
    """Runs steps through an ``Emulator`` (the core facade); each step names its target (URL, WSGI or ASGI app)."""

    mode = "in-process"

    def __init__(self, seed: int, emulator: Any = None):
        if emulator is None:
            from ..emulator.core import Emulator

            emulator = Emulator(seed=seed, clock=FixedClock(tick=timedelta(milliseconds=1)))
            self._owned = True
        else:
            self._owned = False
        self.emulator = emulator

    def close(self) -> None:
        if self._owned and hasattr(self.emulator, "close"):
            self.emulator.close()

    def refusal(self, action: str, spec: dict[str, Any], policy: dict[str, Any], target: Any) -> str | None:
        """Why this backend cannot run a step (checked before the first step runs), or ``None``."""
        return None

    def verify(self, spec: dict[str, Any], policy: dict[str, Any], target: Any) -> dict[str, Any]:
        res = self.emulator.verify(target, **_channel_kwargs(spec), **policy)
        return verify_doc(res.to_dict())

    def events(self, spec: dict[str, Any], policy: dict[str, Any], target: Any) -> dict[str, Any]:
        res = self.emulator.send_events(
            target, list(spec["event_types"]), count=spec.get("count", 1), batch_size=spec.get("batch_size"),
            duplicate=spec.get("duplicate", False), out_of_order=spec.get("out_of_order", False),
            delay=spec.get("delay", 0.0), overrides=spec.get("overrides") or None, events=spec.get("events"),
            user=spec.get("user"), **_channel_kwargs(spec), **policy)
        return events_doc(res.to_dict())

    def inline(self, spec: dict[str, Any], policy: dict[str, Any], target: Any) -> dict[str, Any]:
        res = self.emulator.call_inline(
            spec["hook"], target, request=spec.get("request"), request_type=spec.get("request_type"),
            variant=spec.get("variant"), overrides=spec.get("overrides") or None,
            user=None if spec.get("request") else spec.get("user"), **_channel_kwargs(spec), **policy)
        return inline_doc(res.to_dict())

    def flow(self, spec: dict[str, Any], policy: dict[str, Any], target: Any) -> dict[str, Any]:
        if spec.get("grant") and not spec.get("request") and not spec.get("request_type"):
            # the token request Okta sends for this grant (the grant's rules live in the generator)
            from ..payloads.generate import generate_token

            spec = {**spec, "request": generate_token(self.emulator.payloads, grant=spec["grant"],
                                                      variant=spec.get("variant"))}
        doc = self.inline(spec, policy, target)
        if doc.get("kind") == "token":
            doc["tokens"] = decode_tokens(doc.get("outcome") or {}, self.emulator.keys)
        return doc

    def wait(self, seconds: float) -> dict[str, Any]:
        time.sleep(seconds)
        return {"verdict": None, "waited": seconds, "elapsed_ms": seconds * 1000, "request_bodies": []}


def _summary(action: str, doc: dict[str, Any]) -> str:
    from .reasons import step_summary

    return step_summary(action, doc)


# --------------------------------------------------------------------------------------------------------
# Running


ProgressFn = Callable[[Scenario, StepResult], None]


def run_scenario(scenario: Scenario, *, target: Any = None, targets: dict[str, Any] | None = None,
                 seed: int | None = None, sets: Iterable[tuple[str, str, Any]] = (), skip: Iterable[str] = (),
                 policy: dict[str, Any] | None = None, server: str | None = None, token: str | None = None,
                 emulator: Any = None, env: dict[str, str] | None = None,
                 progress: ProgressFn | None = None) -> ScenarioResult:
    """Run one scenario and check its expectations.

    ``target``: URL, WSGI app or ASGI app (defaults to the scenario's ``target``) for steps that name no target;
    ``targets``: ``{name: URL or app}`` for the scenario's named ``targets`` (a step's ``target: name``);
    ``seed`` (defaults to the scenario's, else 0); ``sets``: parsed ``--set`` values; ``skip``: step names;
    ``policy``: delivery-policy defaults for every step (a step's own ``policy`` wins); ``server``/``token``:
    run through a running emulator's control API instead of in-process. Every step's options are checked
    before the first step runs. Raises ``ScenarioError`` for unusable input."""
    scenario = customise(scenario, sets)
    seed = seed if seed is not None else (scenario.seed if scenario.seed is not None else 0)
    resolver = Resolver(seed, env)
    hooks = HookTargets.build(scenario, target, targets or {}, resolver)
    skip = set(skip)
    if server is not None:
        from .remote import ServerBackend

        backend: Any = ServerBackend(server, token, seed=seed)
    else:
        backend = InProcessBackend(seed, emulator=emulator)
    result = ScenarioResult(name=scenario.name, description=scenario.description, source=scenario.source,
                            seed=seed, target=hooks.label(), mode=backend.mode)
    started = time.perf_counter()
    try:
        preflight(scenario, backend, hooks, resolver, policy or {}, skip)
        for step in scenario.steps:
            sr = _run_step(scenario, step, backend, hooks, resolver, policy or {}, skip)
            result.steps.append(sr)
            if progress:
                progress(scenario, sr)
    finally:
        backend.close()
    result.duration_ms = (time.perf_counter() - started) * 1000
    return result


def _target_label(target: Any) -> str:
    if target is None:
        return "(server-registered hooks)"
    if isinstance(target, str):
        return target
    from ..emulator.transport import Target

    if isinstance(target, Target):
        return target.address if not target.in_process else f"in-process app {target.describe()}"
    name = getattr(target, "name", None) or getattr(target, "__name__", None) or type(target).__name__
    return f"in-process app {name}"


@dataclass
class HookTargets:
    """The hook services a scenario's steps call: the default ``target`` and the named ``targets``."""

    default: Any
    named: dict[str, Any]
    source: str

    @classmethod
    def build(cls, scenario: Scenario, target: Any, targets: dict[str, Any], resolver: Resolver) -> HookTargets:
        """Run-time values win over the file's; unknown run-time names and unset ``${env:...}`` are errors."""
        unknown = [n for n in targets if n not in scenario.targets]
        if unknown:
            names = list(scenario.targets)
            raise ScenarioError(f"no target named '{unknown[0]}' in the scenario.{did_you_mean(unknown[0], names)} "
                                + (f"Targets: {', '.join(names)}." if names else "It names no 'targets'."),
                                file=scenario.source)
        default = target if target is not None else scenario.target
        named = {**scenario.targets, **targets}

        def resolved(value: Any, where: str) -> Any:
            if isinstance(value, str) and "${" in value:
                try:
                    return resolver.resolve(value)
                except KeyError as exc:
                    raise ScenarioError(f"cannot resolve the target: {exc.args[0]}", file=scenario.source,
                                        path=where) from None
            return value

        return cls(resolved(default, "$.target"),
                   {name: resolved(value, f"$.targets.{name}") for name, value in named.items()}, scenario.source)

    def for_step(self, step: Step, spec: dict[str, Any] | None = None) -> Any:
        """The URL or app this step calls (``spec``: the step's resolved options, for a ``target`` URL)."""
        chosen = (spec if spec is not None else step.spec).get("target")
        if chosen is None:
            return self.default
        if chosen in self.named:
            return self.named[chosen]
        return chosen  # a URL

    def label(self) -> str:
        if not self.named:
            return _target_label(self.default)
        parts = [f"{name}={_target_label(value) if value is not None else '(not set)'}"
                 for name, value in self.named.items()]
        if self.default is not None:
            parts.insert(0, _target_label(self.default))
        return ", ".join(parts)


def preflight(scenario: Scenario, backend: Any, hooks: HookTargets, resolver: Resolver,
              policy_defaults: dict[str, Any], skip: set[str]) -> None:
    """Check every step's options before the first step runs: its target, ``${env:...}`` values, policy
    values, variant, and what the backend (``--server``) cannot run. Raises ``ScenarioError`` naming the
    step (and its number) and the option."""
    from ..emulator.policy import DeliveryPolicy
    from ..payloads.catalog import get_kind
    from .refs import find_references

    for step in scenario.steps:
        if step.name in skip:
            continue
        base = f"$.steps[{step.index}]"

        def fail(message: str, option: str, step: Step = step, base: str = base) -> ScenarioError:
            return ScenarioError(message, file=scenario.source, step=step.name, path=f"{base}.{option}")

        for suffix, ref in find_references(step.spec):
            if ref.source == "env" and ref.path not in resolver.env and ref.default is None:
                raise ScenarioError(f"environment variable {ref.path} is not set (set it, or write "
                                    f"${{env:{ref.path}|default}})", file=scenario.source, step=step.name,
                                    path=base + suffix)
        if step.action != "wait":
            named = step.spec.get("target")
            target = hooks.for_step(step)
            if isinstance(named, str) and named in hooks.named and target is None:
                raise fail(f"target '{named}' has no URL: give it at run time (--target {named}=URL, or "
                           f"targets={{'{named}': URL or app}} in Python)", "target")
            if target is None and not getattr(backend, "mode", "") == "server":
                raise ScenarioError("no target: pass --target URL (or target=... in Python), or set 'target:' in "
                                    "the scenario or the step", file=scenario.source, step=step.name,
                                    index=step.index)
            if isinstance(target, str) and "${" not in target:
                from ..emulator.transport import Target

                try:
                    Target.url(target)
                except EmulatorUsageError as exc:
                    if named:
                        raise fail(str(exc), "target") from None
                    raise ScenarioError(str(exc), file=scenario.source) from None
        own = step.spec.get("policy") or {}
        merged = {**policy_defaults, **own}
        if not _has_references(merged):
            try:
                DeliveryPolicy().with_overrides(**merged)
            except TypeError as exc:
                raise fail(str(exc), "policy") from None
        variant = step.spec.get("variant")
        if step.action in ("inline", "flow") and isinstance(variant, str) and "${" not in variant:
            kind = get_kind(step.spec["hook"])
            if kind.variants and variant not in kind.variants:
                raise fail(f"unknown variant '{variant}' for {kind.name}.{did_you_mean(variant, kind.variants)} "
                           f"Variants: {', '.join(kind.variants)}.", "variant")
        if step.action == "flow" and step.spec.get("grant") == "client_credentials" and step.spec.get("user"):
            raise fail("a client_credentials grant has no user (the token is for the client itself): remove "
                       "'user' or use grant: password", "user")
        if step.action != "wait":
            why = backend.refusal(step.action, step.spec, merged, hooks.for_step(step))
            if why:
                raise ScenarioError(why, file=scenario.source, step=step.name, index=step.index)


def _has_references(value: Any) -> bool:
    """True when ``value`` holds a ``${...}`` reference anywhere."""
    from .refs import find_references

    return any(True for _ in find_references(value))


def _run_step(scenario: Scenario, step: Step, backend: Any, hooks: HookTargets, resolver: Resolver,
              policy_defaults: dict[str, Any], skip: set[str]) -> StepResult:
    label = step.label()
    if step.name in skip:
        return StepResult(step.name, step.action, label, SKIPPED, summary="skipped (--skip)")
    t0 = time.perf_counter()
    try:
        spec = resolver.resolve(step.spec)
        expect = resolver.resolve(step.expect)
    except KeyError as exc:
        return StepResult(step.name, step.action, label, ERROR, error=f"cannot resolve reference: {exc.args[0]}",
                          summary="reference could not be resolved")
    policy = {**policy_defaults, **(spec.get("policy") or {})}
    try:
        if step.action == "wait":
            doc = backend.wait(float(spec["seconds"]))
        else:
            doc = getattr(backend, step.action)(spec, policy, hooks.for_step(step, spec))
    except ScenarioError:
        raise
    except EmulatorUsageError as exc:
        raise ScenarioError(str(exc), file=scenario.source, step=step.name, index=step.index) from None
    except Exception as exc:  # noqa: BLE001 - a broken hook/server must not kill the run: report it
        return StepResult(step.name, step.action, label, ERROR, duration_ms=(time.perf_counter() - t0) * 1000,
                          error=f"{type(exc).__name__}: {exc}", summary="step raised an error")
    resolver.results[step.name] = doc
    checks = evaluate(step.action, doc, expect)
    status = PASSED if all(c.passed for c in checks) else FAILED
    return StepResult(step.name, step.action, label, status, checks, (time.perf_counter() - t0) * 1000,
                      _summary(step.action, doc), doc=doc)


def run_many(scenarios: list[Scenario], **kwargs: Any) -> list[ScenarioResult]:
    """Run several scenarios with the same options (see ``run_scenario``)."""
    return [run_scenario(sc, **kwargs) for sc in scenarios]
