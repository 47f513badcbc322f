"""Registration inline hook (``com.okta.user.pre-registration``): self-service registration
(``self.service.registration``) and progressive profile (``progressive.profile``),
docs/okta-behaviour.md#registration-hook.

ALLOW/DENY via ``com.okta.action.update``; profile updates applied in the order of the commands and of the
attributes inside each; ``com.okta.user.profile.update`` is SSR-only, ``com.okta.user.progressive.profile.update``
PP-only. An ``error`` object: no commands executed, the registration fails. Failure (timeout, non-2xx...) or an
invalid answer: the flow stops and the registration / profile update is denied (fail closed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..results import VERDICT_ERROR, VERDICT_FAILED, VERDICT_INVALID, VERDICT_OK, CommandResult
from . import (
    JudgeContext,
    Judgement,
    LogSpec,
    Outcome,
    has_error,
    json_copy,
    problem_text,
    shown,
    type_text,
    typed_commands,
    unknown_command,
    with_invalid,
)

SSR = "self.service.registration"
PP = "progressive.profile"
ACTION_UPDATE = "com.okta.action.update"
PROFILE_UPDATE = "com.okta.user.profile.update"
PP_UPDATE = "com.okta.user.progressive.profile.update"
ALLOW, DENY = "ALLOW", "DENY"

# End-user messages, in Okta's words (docs/okta-behaviour.md#registration-hook).
MESSAGES = {
    SSR: {
        "deny": "Registration denied.",
        "error_no_causes": "Registration cannot be completed at this time.",
        # The inline hooks concept page's failure table, exactly (its quote closes before the final period).
        "failure": "There was an error creating your account. Please try registering again",
    },
    PP: {
        "deny": "Profile update denied.",
        "error_no_causes": "We found some errors. Please review the form and make corrections.",
        # The concept page's failure table; the registration reference words it "Your profile couldn't be
        # updated at this time. Please try again later." — we follow the concept page, which documents the
        # failure table.
        "failure": "There was an error updating your profile. Please try again later.",
    },
}


@dataclass
class RegistrationOutcome(Outcome):
    """What the end user sees and which profile Okta keeps."""

    action: str  # ALLOW | DENY
    end_user_message: str | None
    profile: dict
    modified: bool
    request_type: str = SSR
    field_errors: dict[str, list[str]] = field(default_factory=dict)  # profile attribute -> messages shown inline

    @property
    def summary(self) -> str:
        what = "Registration" if self.request_type == SSR else "Profile update"
        if self.action == ALLOW:
            return f"{what} allowed{' with the hook' + chr(39) + 's profile changes' if self.modified else ''}."
        return f"{what} denied; the end user sees: {self.end_user_message}"

    @property
    def denied(self) -> bool:
        """The registration / profile update was denied (DENY)."""
        return self.action == DENY

    @property
    def denial_message(self) -> str | None:
        """The end-user message."""
        return self.end_user_message

    @property
    def decision(self) -> str:
        """``action ALLOW`` / ``action DENY``."""
        return f"action {self.action}"


def _request_type(request: dict) -> str:
    rt = request.get("requestType") if isinstance(request, dict) else None
    return PP if rt == PP else SSR


def _profile(request: dict, request_type: str) -> dict:
    data = request.get("data") if isinstance(request, dict) and isinstance(request.get("data"), dict) else {}
    if request_type == SSR:
        prof = data.get("userProfile")
        return json_copy(prof) if isinstance(prof, dict) else {}
    user = ((data.get("context") or {}).get("user") or {}) if isinstance(data.get("context"), dict) else {}
    prof = json_copy(user.get("profile")) if isinstance(user, dict) and isinstance(user.get("profile"), dict) \
        else {}
    update = data.get("userProfileUpdate")
    if isinstance(update, dict):
        prof.update(json_copy(update))
    return prof


def _error_message(body: dict, request_type: str) -> tuple[str, dict[str, list[str]]]:
    """Okta's display rules: each errorCauses[].errorSummary is shown (inline under the form field when
    ``location`` names a request profile attribute); an error without causes shows the generic text."""
    err = body.get("error")
    causes = err.get("errorCauses") if isinstance(err, dict) else None
    shown: list[str] = []
    field_errors: dict[str, list[str]] = {}
    for cause in causes if isinstance(causes, list) else []:
        if not isinstance(cause, dict):
            continue
        summary = cause.get("errorSummary")
        if not isinstance(summary, str) or not summary.strip():
            continue
        shown.append(summary)
        loc = cause.get("location")
        if isinstance(loc, str):
            for prefix in ("data.userProfile.", "data.userProfileUpdate."):
                if loc.startswith(prefix) and len(loc) > len(prefix):
                    field_errors.setdefault(loc[len(prefix):], []).append(summary)
    if not shown:
        return MESSAGES[request_type]["error_no_causes"], {}
    return " ".join(shown), field_errors


def _apply(request: dict, body: dict, request_type: str) -> tuple[str, dict, list[CommandResult], str | None, bool]:
    profile = _profile(request, request_type)
    action = ALLOW
    modified = False
    results: list[CommandResult] = []
    refusal_first: str | None = None
    for i, ctype, value in typed_commands(body):
        refusal = None
        if ctype == ACTION_UPDATE:
            reg = value.get("registration") if isinstance(value, dict) else None
            if reg not in (ALLOW, DENY):
                refusal = f"{ACTION_UPDATE} value.registration must be ALLOW or DENY, not {shown(reg)}"
            else:
                action = reg
                results.append(CommandResult(i, ctype, True, f"registration {reg}", value))
                continue
        elif ctype in (PROFILE_UPDATE, PP_UPDATE):
            fits = PROFILE_UPDATE if request_type == SSR else PP_UPDATE
            if ctype != fits:
                kind = "self-service registration" if request_type == SSR else "progressive profile"
                refusal = f"{ctype} does not fit a {kind} request (use {fits})"
            elif not isinstance(value, dict):
                refusal = f"{ctype} value must be an object of profile attributes"
            elif "password" in value:
                refusal = f"{ctype} cannot set the password"
            else:
                for attr, v in value.items():  # in the order they appear
                    profile[attr] = json_copy(v)
                modified = modified or bool(value)
                results.append(CommandResult(i, ctype, True, f"updated {', '.join(value) or 'nothing'}", value))
                continue
        else:
            refusal = unknown_command(ctype, f"the registration hook accepts {ACTION_UPDATE}, "
                                             f"{PROFILE_UPDATE} (SSR) and {PP_UPDATE} (progressive profile)")
        results.append(CommandResult(i, type_text(ctype), False, refusal, value))
        refusal_first = refusal_first or f"command {i}: {refusal}"
    return action, profile, results, refusal_first, modified


def _denied(request: dict, request_type: str, message: str, field_errors: dict | None = None) -> RegistrationOutcome:
    return RegistrationOutcome(DENY, message, _profile(request, request_type), False, request_type,
                               field_errors or {})


def _user_target(request: dict, profile: dict) -> list[dict]:
    data = request.get("data") if isinstance(request, dict) and isinstance(request.get("data"), dict) else {}
    user = ((data.get("context") or {}).get("user") or {}) if isinstance(data.get("context"), dict) else {}
    target: dict[str, Any] = {"type": "User", "alternateId": profile.get("login") or profile.get("email"),
                              "displayName": " ".join(str(profile.get(k, "")) for k in ("firstName", "lastName")
                                                      if profile.get(k)) or None}
    if isinstance(user, dict) and user.get("id"):
        target["id"] = user["id"]
    return [target]


def judge(request: dict, response_body: dict | None, transport_ok: bool, problems: list,
          ctx: JudgeContext) -> Judgement:
    """Judge a registration hook answer: ALLOW or DENY, the end-user message and the resulting profile."""
    rt = _request_type(request)
    failure = MESSAGES[rt]["failure"]
    if not transport_ok:
        return Judgement(VERDICT_FAILED, _denied(request, rt, failure),
                         f"{ctx.failure_reason or 'The call failed'}; the registration hook fails closed: "
                         "the flow stops and is denied.")
    if response_body is None:
        return _allowed(request, rt, _profile(request, rt), False, [],
                        "Empty answer: registration allowed without any update.")
    if has_error(response_body):
        message, field_errors = _error_message(response_body, rt)
        results = with_invalid(_apply(request, response_body, rt)[2],
                               "not executed: an error object means no commands are executed")
        return Judgement(VERDICT_ERROR, _denied(request, rt, message, field_errors),
                         f"The hook answered an error object: no commands were executed and the "
                         f"{'registration' if rt == SSR else 'profile update'} failed.", results)
    action, profile, results, refusal, modified = _apply(request, response_body, rt)
    if problems or refusal:
        why = refusal or problem_text(problems)
        return Judgement(VERDICT_INVALID, _denied(request, rt, failure),
                         f"The answer broke Okta's rules ({why}); the whole answer was skipped and the "
                         "flow was denied (fail closed).",
                         with_invalid(results, "skipped: another command in this answer was refused"))
    if action == DENY:
        return Judgement(VERDICT_OK, RegistrationOutcome(DENY, MESSAGES[rt]["deny"], _profile(request, rt), False, rt),
                         "The hook denied the " + ("registration." if rt == SSR else "profile update."), results)
    return _allowed(request, rt, profile, modified, results,
                    f"Allowed{' with ' + str(sum(1 for r in results if r.applied)) + ' command(s) applied' if results else ''}.")


def _allowed(request: dict, rt: str, profile: dict, modified: bool, results: list[CommandResult],
             reason: str) -> Judgement:
    outcome = RegistrationOutcome(ALLOW, None, profile, modified, rt)
    event = "user.lifecycle.create" if rt == SSR else "user.account.update_profile"
    spec = LogSpec(event, "SUCCESS", None, _user_target(request, profile))
    return Judgement(VERDICT_OK, outcome, reason, results, [spec])
