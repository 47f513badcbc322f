"""``HookResult``: what one ``okta.*`` call returned, with readable assertion helpers.

Each helper raises ``AssertionError`` with: what Okta expected, what the hook did, near misses (commands
that were close, claims present), the problems found and the request/response pair. Helper frames are
hidden from tracebacks (``__tracebackhide__``). Nothing here sends or judges: the core did that.
"""

from __future__ import annotations

import json
from typing import Any

from .. import matchers
from ..emulator.records import TIMEOUT, Attempt, Delivery
from ..emulator.results import VERDICT_OK, EventDeliveryResult, InlineResult, VerificationResult
from ..errors import EmulatorUsageError
from ..matchers import ANY

_BODY_LIMIT = 1500


def _short(value: Any, limit: int = 300) -> str:
    text = json.dumps(value, default=str, sort_keys=True)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} chars)"


def _pretty_body(body: str | None) -> str:
    if body is None or body == "":
        return "(empty body)"
    try:
        text = json.dumps(json.loads(body), indent=2, sort_keys=True)
    except (ValueError, TypeError):
        text = body
    if len(text) > _BODY_LIMIT:
        text = text[:_BODY_LIMIT] + f"\n... ({len(text)} chars in total)"
    return text


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.splitlines()) if text else prefix


def format_attempt(attempt: Attempt, overrides: dict[str, Any] | None = None, *,
                   same_as: int | None = None) -> str:
    """The request/response pair of one attempt, curl-style (``>`` sent, ``<`` received); the parts of the body
    the test set (``overrides``: dotted path -> value) come first, so a long body's cut never hides them.
    ``same_as``: the number of an earlier attempt that sent the same request (a retry), shown by reference."""
    req = attempt.request
    lines = [f"attempt {attempt.number}: transport={attempt.transport}, {attempt.elapsed_ms:.0f} ms"
             + (f" ({attempt.error})" if attempt.error else "")]
    if same_as is not None:
        lines.append(f"  > (the same request as attempt {same_as})")
    else:
        lines.append(f"  > {req.method} {req.url}")
        lines += [f"  > {k}: {v}" for k, v in req.headers.items()]
    if req.body is not None and same_as is None:
        if overrides:
            lines.append("  > (set by the test, as sent:)")
            lines += [f"  >   {path} = {_short(_sent_value(req.body, path, value), 200)}"
                      for path, value in overrides.items()]
            lines.append("  > (the whole body:)")
        lines.append(_indent(_pretty_body(req.body), "  > "))
    resp = attempt.response
    if resp is None:
        lines.append("  < (no response)")
    else:
        lines.append(f"  < HTTP {resp.status}")
        lines += [f"  < {k}: {v}" for k, v in resp.headers.items()]
        lines.append(_indent(_pretty_body(resp.body), "  < "))
    return "\n".join(lines)


def _sent_value(body: str, path: str, fallback: Any) -> Any:
    """The value at dotted ``path`` in the JSON ``body`` as sent (``fallback`` when it cannot be read)."""
    from ..scenarios.refs import lookup

    try:
        return lookup(json.loads(body), path)
    except (ValueError, KeyError, TypeError, IndexError):
        return fallback


class HookResult:
    """One hook call made through the ``okta`` fixture: the core result (``raw``) plus assertion helpers.

    Unknown attributes are read from ``raw`` (``result.commands``, ``result.checks``, ``result.batches``...).
    """

    def __init__(self, raw: Any, *, label: str = "", timeout: float | None = None,
                 overrides: dict[str, Any] | None = None) -> None:
        self.raw = raw
        self.label = label or type(raw).__name__
        self._timeout = timeout  # the per-attempt budget used for the call, for messages
        self.checked = False  # set by every assertion helper (strict mode reads it)
        self.overrides = dict(overrides or {})  # what the test set in the request (shown first in the dump)

    # ------------------------------------------------------------------ views
    @property
    def kind(self) -> str:
        """``verification``, ``event``, ``scenario`` or the inline kind (``token``, ``saml``...)."""
        if isinstance(self.raw, InlineResult):
            return self.raw.kind
        if isinstance(self.raw, VerificationResult):
            return "verification"
        if isinstance(self.raw, EventDeliveryResult):
            return "event"
        return "scenario"

    @property
    def deliveries(self) -> list[Delivery]:
        """Every logical HTTP call this result covers (one per event batch)."""
        raw = self.raw
        if isinstance(raw, InlineResult | VerificationResult):
            return [raw.delivery]
        if isinstance(raw, EventDeliveryResult):
            return [b.delivery for b in raw.batches]
        return []

    @property
    def attempts(self) -> list[Attempt]:
        """Every HTTP attempt (first tries and retries), in order."""
        return [a for d in self.deliveries for a in d.attempts]

    @property
    def request(self) -> Any:
        """The request Okta sent: the inline body (dict), the first event envelope, or the verification GET."""
        raw = self.raw
        if isinstance(raw, InlineResult):
            return raw.request
        if isinstance(raw, EventDeliveryResult):
            return raw.batches[0].envelope if raw.batches else None
        if isinstance(raw, VerificationResult):
            return raw.delivery.attempts[0].request if raw.delivery.attempts else None
        return getattr(raw, "request", None)

    @property
    def response(self) -> Any:
        """The last recorded response (``RecordedResponse``) or ``None`` when nothing came back."""
        attempts = self.attempts
        return attempts[-1].response if attempts else None

    @property
    def verdict(self) -> str:
        """Inline: ``ok``/``error``/``invalid``/``failed``; verification: ``VERIFIED``/``UNVERIFIED``;
        events: ``ok``/``failed``; scenario: ``passed``/``failed``."""
        raw = self.raw
        if isinstance(raw, InlineResult | EventDeliveryResult):
            return raw.verdict
        if isinstance(raw, VerificationResult):
            return raw.status
        return "passed" if _scenario_passed(raw) else "failed"

    @property
    def outcome(self) -> Any:
        """Okta's outcome for inline hooks (``result.outcome.id_token.claims``...), else ``None``."""
        return getattr(self.raw, "outcome", None)

    @property
    def problems(self) -> list[Any]:
        """Rule breaches Okta found: inline problems, failed verification checks, rejected batches."""
        raw = self.raw
        if isinstance(raw, InlineResult):
            return list(raw.problems)
        if isinstance(raw, VerificationResult):
            return [c for c in raw.checks if not c.passed]
        if isinstance(raw, EventDeliveryResult):
            return [f"batch {b.event_id}: {b.note or 'not accepted'}" for b in raw.batches
                    if not b.accepted or b.note]
        return list(getattr(raw, "problems", []) or [])

    @property
    def warnings(self) -> list[Any]:
        """What Okta likely ignores in an inline answer (``severity: warning``); never changes the verdict."""
        return list(getattr(self.raw, "warnings", []) or [])

    @property
    def app_exception(self) -> str | None:
        """The traceback of an exception the in-process hook app raised (behind its framework's 500), else
        ``None``; for a scenario, the first one of any step."""
        for attempt in reversed(self.attempts):
            if attempt.app_exception:
                return attempt.app_exception
        return _scenario_app_exception(self.raw)

    @property
    def elapsed(self) -> float:
        """Seconds spent on every attempt together."""
        return sum(a.elapsed_ms for a in self.attempts) / 1000.0

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("raw", "_timeout", "label", "checked", "overrides"):
            raise AttributeError(name)
        return getattr(self.raw, name)

    def __repr__(self) -> str:
        return f"<HookResult {self.label}: {self.verdict}>"

    # --------------------------------------------------------- message tools
    def _describe(self, said: str = "") -> str:
        """Verdict, app exception, outcome, problems, warnings and the request/response pairs; what ``said``
        (the failure's own lines) already shows is not repeated."""
        raw = self.raw
        if not isinstance(raw, InlineResult | VerificationResult | EventDeliveryResult):
            report = _scenario_report(raw)  # a scenario: its report says it all, step by step
            return "Scenario report:\n" + _indent(report, "  ") if report else f"Verdict: {self.verdict}"
        parts = [f"Verdict: {self.verdict}"]
        reason = getattr(raw, "reason", "")
        if reason and reason not in said:
            parts[0] += f" ({reason})"
        crash = self.app_exception
        if crash:
            parts.append("The hook app raised an exception (Okta saw only the error answer):\n" + _indent(crash, "  "))
        outcome = self.outcome
        if outcome is not None and getattr(outcome, "summary", None) and outcome.summary not in said:
            parts.append(f"Outcome: {outcome.summary}")
        problems = [text for text in (matchers.problem_text(p) for p in self.problems) if text not in said]
        if problems:
            parts.append("Problems found:\n" + "\n".join(f"  - {text}" for text in problems))
        elif not self.problems:
            parts.append("Problems found: none")
        warnings = self.warnings
        if warnings:
            parts.append("Warnings:\n" + "\n".join(f"  - {matchers.problem_text(w)}" for w in warnings))
        attempts = self.attempts
        if attempts:
            shown = []
            for i, a in enumerate(attempts):
                same = next((b.number for b in attempts[:i] if b.request == a.request), None)
                shown.append(_indent(format_attempt(a, self.overrides, same_as=same), "  "))
            parts.append("Request/response:\n" + "\n".join(shown))
        elif isinstance(raw, InlineResult):
            parts.append("Request body:\n" + _indent(_pretty_body(json.dumps(raw.request)), "  "))
        return "\n".join(parts)

    def _fail(self, check: str, expected: str, actual: str, *sections: str) -> None:
        __tracebackhide__ = True
        msg = [f"{check} failed for {self.label}", f"Okta expected: {expected}", f"The hook: {actual}"]
        msg += [s for s in sections if s]
        msg.append(self._describe(said="\n".join(msg)))
        raise AssertionError("\n".join(msg))

    def _need(self, check: str, *types: type) -> None:
        __tracebackhide__ = True
        if not isinstance(self.raw, types):
            names = " or ".join(t.__name__ for t in types)
            raise EmulatorUsageError(f"{check}() applies to {names} results, not to {self.label} "
                                     f"({type(self.raw).__name__}). Use it on the result of the matching okta call.")

    def _need_kind(self, check: str, kinds: tuple[str, ...]) -> str:
        __tracebackhide__ = True
        self._need(check, InlineResult)
        if self.raw.kind not in kinds:
            raise EmulatorUsageError(f"{check}() applies to {', '.join(kinds)} inline hooks, "
                                     f"not to a {self.raw.kind} hook.")
        if self.outcome is None:
            self._fail(check, "an outcome for the flow", "no outcome was produced by the core")
        return self.raw.kind

    def _need_decision(self, check: str) -> Any:
        """The outcome of an inline flow that Okta allows or denies (``outcome.denied`` is not ``None``)."""
        __tracebackhide__ = True
        self._need(check, InlineResult)
        outcome = self.outcome
        if outcome is not None and getattr(outcome, "denied", None) is None:
            raise EmulatorUsageError(f"{check}() applies to inline hooks whose flow Okta allows or denies, not to "
                                     f"a {self.raw.kind} hook (its outcome has no allow/deny decision).")
        if outcome is None:
            self._fail(check, "an outcome for the flow", "no outcome was produced by the core")
        return outcome

    # ------------------------------------------------------------- helpers
    def assert_verified(self) -> HookResult:
        """The event hook verification GET passed every check (``VERIFIED``)."""
        __tracebackhide__ = True
        self.checked = True
        self._need("assert_verified", VerificationResult)
        raw: VerificationResult = self.raw
        if not raw.verified:
            failed = [c for c in raw.checks if not c.passed]
            self._fail("assert_verified",
                       f'HTTP 200 with JSON {{"verification": "{raw.challenge}"}} within '
                       f"{self._budget()}",
                       "; ".join(f"{c.name}: {c.detail}" if c.detail else c.name for c in failed) or raw.status)
        return self

    def assert_delivered(self, attempts: int | None = None) -> HookResult:
        """Every event batch (or the inline/verification call) got a 2xx answer in time; optionally
        in exactly ``attempts`` HTTP attempts in total."""
        __tracebackhide__ = True
        self.checked = True
        raw = self.raw
        self._need("assert_delivered", EventDeliveryResult, InlineResult, VerificationResult)
        if isinstance(raw, EventDeliveryResult):
            bad = [b for b in raw.batches if not b.accepted]
            if not raw.batches:
                self._fail("assert_delivered", "at least one event batch", "no batch was sent")
            if bad:
                self._fail("assert_delivered", "HTTP 200 or 204 (empty body) for every event batch within "
                           f"{self._budget()}",
                           f"{len(bad)} of {len(raw.batches)} batch(es) not accepted: "
                           + "; ".join(f"batch {b.event_id}: {b.note or b.delivery.transport}" for b in bad))
        else:
            final = raw.delivery.final if raw.delivery.attempts else None
            if final is None or final.transport != "ok":
                self._fail("assert_delivered", f"a 2xx answer within {self._budget()}",
                           f"transport={final.transport if final else 'none'}"
                           + (f" ({final.error})" if final and final.error else ""))
        if attempts is not None and len(self.attempts) != attempts:
            self._fail("assert_delivered", f"{attempts} HTTP attempt(s)",
                       f"{len(self.attempts)} attempt(s): "
                       + ", ".join(f"#{a.number} {a.transport}" for a in self.attempts))
        return self

    def assert_ok(self) -> HookResult:
        """Okta accepted the answer (inline verdict ``ok``; verified; delivered; scenario passed)."""
        __tracebackhide__ = True
        self.checked = True
        raw = self.raw
        if isinstance(raw, VerificationResult):
            return self.assert_verified()
        if isinstance(raw, EventDeliveryResult):
            return self.assert_delivered()
        if isinstance(raw, InlineResult):
            ok, why = matchers.verdict(VERDICT_OK, raw.verdict)
            if not ok:
                self._fail("assert_ok", "a usable answer: HTTP 200 with valid commands (or 204) within "
                           f"{self._budget()}", f"{why}: {raw.reason or raw.transport}")
            return self
        if not _scenario_passed(raw):
            failed = [s.name for s in getattr(raw, "steps", []) if not s.passed]
            self._fail("assert_ok", "every scenario step to pass",
                       f"the scenario failed at step(s): {', '.join(failed) or '?'}")
        return self

    def assert_no_problems(self) -> HookResult:
        """Okta found nothing wrong with the answer (no schema or rule problems)."""
        __tracebackhide__ = True
        self.checked = True
        ok, why = matchers.no_problems(self.problems)
        if not ok:
            self._fail("assert_no_problems", "an answer that follows Okta's rules for this hook", why)
        return self

    def assert_no_warnings(self) -> HookResult:
        """The answer has nothing Okta likely ignores: no unknown keys, no import action that contradicts the
        request, no profile value of the wrong type (see ``payloads/answer_warnings.py``)."""
        __tracebackhide__ = True
        self.checked = True
        ok, why = matchers.no_warnings(self.warnings)
        if not ok:
            self._fail("assert_no_warnings", "an answer without keys or values Okta would ignore", why)
        return self

    def _wire_commands(self) -> list[dict]:
        body = getattr(self.raw, "response_body", None)
        cmds = body.get("commands") if isinstance(body, dict) else None
        return [c for c in cmds if isinstance(c, dict)] if isinstance(cmds, list) else []

    def assert_command(self, type: str, path: str | None = None, value: Any = ANY) -> HookResult:  # noqa: A002
        """The hook answered with command ``type`` (with an op on ``path`` and/or ``value``) and Okta
        applied it."""
        __tracebackhide__ = True
        self.checked = True
        self._need("assert_command", InlineResult)
        raw: InlineResult = self.raw
        wanted = f"command {type}" + (f" with an op on {path}" if path else "") + (
            f" with value {_short(value)}" if value is not ANY else "")
        cmds = self._wire_commands()
        match_index, misses = matchers.find_command(cmds, type, path, value)
        near = [f"  - commands[{i}] {_short(cmds[i], 400)} ({why})" for i, why in misses]
        if match_index is None:
            actual = (f"answered {len(cmds)} command(s), none matching" if cmds else
                      "answered no commands" + (f" (HTTP {raw.status})" if raw.status else ""))
            self._fail("assert_command", wanted, actual,
                       "Commands sent (near misses first):\n" + "\n".join(near) if near else "")
        not_applied = [c for c in raw.commands if c.index == match_index and not c.applied]
        applied = [c for c in raw.commands if c.index == match_index and c.applied]
        if raw.verdict != VERDICT_OK or (not_applied and not applied):
            reasons = "; ".join(c.reason for c in not_applied if c.reason) or raw.reason or raw.verdict
            self._fail("assert_command", f"{wanted}, applied", f"sent it, but Okta did not apply it: {reasons}")
        return self

    def assert_claim(self, name: str, value: Any = ANY, token: str = "id") -> HookResult:
        """The issued ``id`` (or ``access``) token carries claim ``name`` (equal to ``value`` if given)."""
        __tracebackhide__ = True
        self.checked = True
        self._need_kind("assert_claim", ("token",))
        if token not in ("id", "access"):
            raise EmulatorUsageError(f"assert_claim(token=...) must be 'id' or 'access', got {token!r}")
        wanted = f"claim {name!r}" + (f" = {_short(value)}" if value is not ANY else "") + f" in the {token} token"
        issued = getattr(self.outcome, f"{token}_token", None)
        if issued is None:
            err = getattr(self.outcome, "error", None)
            self._fail("assert_claim", wanted, f"Okta issued no {token} token"
                       + (f" (OAuth error {_short(err)})" if err else ""))
        claims = dict(issued.claims or {})
        ok, why = matchers.claim(claims, name, value)
        if not ok:
            self._fail("assert_claim", wanted, why if name in claims else f"the {token} token has {why}",
                       _claims_section(claims, self.raw.request, token), self._commands_section())
        return self

    def _commands_section(self) -> str:
        cmds = self._wire_commands()
        return ("Commands sent:\n" + "\n".join(f"  - {_short(c, 400)}" for c in cmds)) if cmds else "Commands sent: none"

    def assert_denied(self, message: str | None = None) -> HookResult:
        """The flow was denied (``outcome.denied``: registration DENY, SAML/token error, password import sign-in
        refused...); ``message`` must appear in the end-user message when given."""
        __tracebackhide__ = True
        self.checked = True
        outcome = self._need_decision("assert_denied")
        wanted = "the flow denied" + (f" with a message containing {message!r}" if message else "")
        if not outcome.denied:
            self._fail("assert_denied", wanted, f"the flow was allowed ({outcome.decision})")
        shown = outcome.denial_message
        if message is not None and (shown is None or message not in shown):
            self._fail("assert_denied", wanted, f"denied with message {shown!r}")
        return self

    def assert_allowed(self) -> HookResult:
        """The flow went on (``outcome.denied`` is false: registration ALLOW, tokens issued, SAML not denied,
        password VERIFIED...)."""
        __tracebackhide__ = True
        self.checked = True
        outcome = self._need_decision("assert_allowed")
        if outcome.denied:
            shown = outcome.denial_message
            self._fail("assert_allowed", "the flow allowed to continue",
                       f"the flow was denied ({outcome.decision})" + (f": {shown!r}" if shown else ""))
        return self

    def assert_failover(self) -> HookResult:
        """Telephony: Okta failed over to its own SMS/voice providers."""
        __tracebackhide__ = True
        self.checked = True
        self._need_kind("assert_failover", ("telephony",))
        o = self.outcome
        if not o.failover:
            self._fail("assert_failover", "a failover to Okta's telephony providers",
                       f"the hook delivered the OTP itself (status {o.status!r}, provider {o.provider!r}, "
                       f"delivered_by {o.delivered_by!r})")
        return self

    def assert_responds_within(self, seconds: float) -> HookResult:
        """Every attempt got an answer, each within ``seconds``."""
        __tracebackhide__ = True
        self.checked = True
        attempts = self.attempts
        if not attempts:
            self._fail("assert_responds_within", f"an answer within {seconds:g}s", "no HTTP attempt was made")
        slow = [a for a in attempts if a.response is None or a.transport == TIMEOUT or a.elapsed_ms > seconds * 1000]
        if slow:
            self._fail("assert_responds_within", f"an answer within {seconds:g}s",
                       "; ".join(f"attempt {a.number}: {a.transport} after {a.elapsed_ms / 1000:.2f}s" for a in slow))
        return self

    def assert_timed_out(self) -> HookResult:
        """At least one attempt hit Okta's timeout (the hook did not answer within the budget)."""
        __tracebackhide__ = True
        self.checked = True
        attempts = self.attempts
        if not any(a.transport == TIMEOUT for a in attempts):
            self._fail("assert_timed_out", f"the hook to miss the {self._budget()} budget (a timeout)",
                       "answered in time: " + ", ".join(
                           f"attempt {a.number} {a.transport} in {a.elapsed_ms / 1000:.2f}s" for a in attempts))
        return self

    def _budget(self) -> str:
        return f"{self._timeout:g}s" if self._timeout else "Okta's timeout"


def _scenario_passed(raw: Any) -> bool:
    for attr in ("passed", "ok", "success"):
        value = getattr(raw, attr, None)
        if isinstance(value, bool):
            return value
    status = getattr(raw, "status", None)
    return isinstance(status, str) and status.lower() in ("passed", "pass", "ok")


def _scenario_app_exception(raw: Any) -> str | None:
    for step in getattr(raw, "steps", None) or []:
        found = getattr(step, "app_exception", None)
        if found:
            return found
    return None


def _scenario_report(raw: Any) -> str:
    if hasattr(raw, "steps") and hasattr(raw, "counts"):
        from ._scenarios import report

        return report(raw)
    return _short(raw.to_dict(), 4000) if hasattr(raw, "to_dict") else str(raw)


def _claims_section(claims: dict, request: Any, token: str) -> str:
    lines = [f"Claims present in the {token} token:"]
    lines += [f"  {k} = {_short(v, 120)}" for k, v in sorted(claims.items())] or ["  (none)"]
    return "\n".join(lines)


