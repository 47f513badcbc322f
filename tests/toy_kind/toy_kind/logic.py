"""Generator, semantic rule and judge of the toy kind."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from okta_hook_emulator.clock import iso
from okta_hook_emulator.emulator.outcomes import JudgeContext, Judgement, LogSpec, Outcome, problem_text
from okta_hook_emulator.emulator.results import VERDICT_FAILED, VERDICT_INVALID, VERDICT_OK, CommandResult
from okta_hook_emulator.payloads.validate import Problem

VERDICT = "com.example.toy.verdict"


def generate(factory: Any, request_type: str | None = None, variant: str | None = None,
             hook_id: str | None = None) -> dict:
    """A toy request: who knocks at which door, from the seeded factory."""
    from toy_kind import KIND

    door = request_type or KIND.request_types[0]
    age = variant or KIND.variants[0]
    if door not in KIND.request_types or age not in KIND.variants:
        from okta_hook_emulator.errors import EmulatorUsageError

        raise EmulatorUsageError(f"toy: unknown door {door!r} or age {age!r}")
    user = factory.random.choice(factory.org.users)
    return {"eventId": factory.event_id(), "eventTime": iso(factory.clock.now().replace(microsecond=0)),
            "eventType": KIND.okta_type, "eventTypeVersion": "1.0", "contentType": "application/json",
            "cloudEventVersion": "0.1", "source": hook_id or "toy-hook", "requestType": door,
            "data": {"context": {"visitor": {"login": user.login, "age": age}}}}


def rules(body: Any, request: Any) -> list[Problem]:
    """A child may not be greeted with a cocktail: what no schema can say (it needs the request)."""
    commands = body.get("commands") if isinstance(body, dict) else None
    age = None
    if isinstance(request, dict):
        age = request.get("data", {}).get("context", {}).get("visitor", {}).get("age")
    found = []
    for i, command in enumerate(commands if isinstance(commands, list) else []):
        value = command.get("value") if isinstance(command, dict) else None
        if age == "child" and isinstance(value, dict) and "cocktail" in str(value.get("greeting", "")):
            found.append(Problem(f"$.commands[{i}].value.greeting", "toy_child_cocktail",
                                 "children are not offered cocktails"))
    return found


@dataclass
class ToyOutcome(Outcome):
    """Whether the visitor got in, and what they heard."""

    entered: bool
    greeting: str | None

    @property
    def summary(self) -> str:
        return f"The visitor {'entered' if self.entered else 'was turned away'}."

    @property
    def denied(self) -> bool:
        return not self.entered

    @property
    def denial_message(self) -> str | None:
        return None if self.entered else (self.greeting or "Go away.")


def judge(request: dict, response_body: dict | None, transport_ok: bool, problems: list,
          ctx: JudgeContext) -> Judgement:
    """Closed door on failure or problems; otherwise the last verdict command decides."""
    if not transport_ok:
        return Judgement(VERDICT_FAILED, ToyOutcome(False, None), f"{ctx.failure_reason}; the door stays shut.")
    if problems:
        return Judgement(VERDICT_INVALID, ToyOutcome(False, None), problem_text(problems))
    entered, greeting, results = False, None, []
    for i, command in enumerate((response_body or {}).get("commands", [])):
        entered, greeting = command["value"]["enter"], command["value"].get("greeting")
        results.append(CommandResult(i, VERDICT, True, "verdict applied", command["value"]))
    log = [LogSpec("user.session.start", "SUCCESS" if entered else "FAILURE", None if entered else "toy door")]
    return Judgement(VERDICT_OK, ToyOutcome(entered, greeting), "The hook decided.", results, log)
