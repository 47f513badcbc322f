"""Password import inline hook (``com.okta.user.credential.password.import``),
docs/okta-behaviour.md#password-import-hook.

Only ``com.okta.action.update`` ``{credential: VERIFIED|UNVERIFIED}``. VERIFIED: the sign-in goes through and Okta
stores the password (the hook is not called again for this user). Anything else — UNVERIFIED, an empty 204, an
``error`` object (``fidelity.PASSWORD_IMPORT_ERROR_MEANS_UNVERIFIED``), an invalid answer or a failed call — fails
the sign-in ("Unable to Sign On") and the hook is called again next time (fail closed). Every firing writes a
``user.import.password`` System Log event with outcome SUCCESS or FAILURE.
"""

from __future__ import annotations

from dataclasses import dataclass

from ... import fidelity
from ..results import VERDICT_ERROR, VERDICT_FAILED, VERDICT_INVALID, VERDICT_OK, CommandResult
from . import (
    JudgeContext,
    Judgement,
    LogSpec,
    Outcome,
    error_summary,
    has_error,
    problem_text,
    shown,
    type_text,
    typed_commands,
    unknown_command,
    with_invalid,
)

ACTION_UPDATE = "com.okta.action.update"
VERIFIED, UNVERIFIED = "VERIFIED", "UNVERIFIED"
SIGN_IN_FAILED_MESSAGE = "Unable to Sign On"


@dataclass
class PasswordImportOutcome(Outcome):
    """Whether the end user signs in and whether Okta keeps the password."""

    credential: str  # VERIFIED | UNVERIFIED
    sign_in_allowed: bool
    credential_stored: bool
    username: str | None = None
    end_user_message: str | None = None

    @property
    def summary(self) -> str:
        who = self.username or "the user"
        if self.sign_in_allowed:
            return f"Password VERIFIED: {who} signs in and Okta stores the password (the hook won't be called again)."
        return (f"Password {self.credential}: {who} cannot sign in ({self.end_user_message}); the password is not "
                "imported and the hook is called again at the next sign-in.")

    @property
    def denied(self) -> bool:
        """The sign-in was refused (the credential was not VERIFIED)."""
        return not self.sign_in_allowed

    @property
    def decision(self) -> str:
        """``credential VERIFIED`` / ``credential UNVERIFIED``."""
        return f"credential {self.credential}"


def _username(request: dict) -> str | None:
    try:
        name = request["data"]["context"]["credential"]["username"]
    except (KeyError, TypeError):
        return None
    return name if isinstance(name, str) else None


def _outcome(request: dict, credential: str) -> PasswordImportOutcome:
    ok = credential == VERIFIED
    return PasswordImportOutcome(credential, ok, ok, _username(request), None if ok else SIGN_IN_FAILED_MESSAGE)


def _log(request: dict, outcome: PasswordImportOutcome, reason: str | None = None) -> list[LogSpec]:
    target = [{"type": "User", "alternateId": outcome.username, "displayName": outcome.username}]
    return [LogSpec("user.import.password", "SUCCESS" if outcome.sign_in_allowed else "FAILURE",
                    None if outcome.sign_in_allowed else (reason or f"credential {outcome.credential}"), target)]


def _apply(body: dict) -> tuple[str, list[CommandResult], str | None]:
    credential = UNVERIFIED
    results: list[CommandResult] = []
    refusal_first = None
    for i, ctype, value in typed_commands(body):
        if ctype != ACTION_UPDATE:
            refusal = unknown_command(ctype, f"the password import hook accepts only {ACTION_UPDATE}")
        else:
            cred = value.get("credential") if isinstance(value, dict) else None
            if cred in (VERIFIED, UNVERIFIED):
                credential = cred
                results.append(CommandResult(i, ctype, True, f"credential {cred}", value))
                continue
            refusal = f"{ACTION_UPDATE} value.credential must be VERIFIED or UNVERIFIED, not {shown(cred)}"
        results.append(CommandResult(i, type_text(ctype), False, refusal, value))
        refusal_first = refusal_first or f"command {i}: {refusal}"
    return credential, results, refusal_first


def judge(request: dict, response_body: dict | None, transport_ok: bool, problems: list,
          ctx: JudgeContext) -> Judgement:
    """Judge a password-import hook answer: VERIFIED signs in and stores the password; anything else fails."""
    if not transport_ok:
        out = _outcome(request, UNVERIFIED)
        why = ctx.failure_reason or "The call failed"
        return Judgement(VERDICT_FAILED, out, f"{why}; the password import hook fails closed: the sign-in fails "
                                              "and the password is not imported.", [], _log(request, out, why))
    if response_body is None:
        out = _outcome(request, UNVERIFIED)
        return Judgement(VERDICT_OK, out, "Empty answer: Okta takes the default action (UNVERIFIED) and the "
                                          "sign-in fails.", [], _log(request, out, "empty response (default action)"))
    if has_error(response_body):
        summary = error_summary(response_body)
        cred = UNVERIFIED if fidelity.PASSWORD_IMPORT_ERROR_MEANS_UNVERIFIED else _apply(response_body)[0]
        out = _outcome(request, cred)
        results = with_invalid(_apply(response_body)[1], "not applied: the hook answered an error")
        return Judgement(VERDICT_ERROR, out, f"The hook answered an error object ({summary}); treated as UNVERIFIED: "
                                             "the sign-in fails.", results, _log(request, out, summary))
    credential, results, refusal = _apply(response_body)
    if problems or refusal:
        why = refusal or problem_text(problems)
        out = _outcome(request, UNVERIFIED)
        return Judgement(VERDICT_INVALID, out, f"The answer broke Okta's rules ({why}); it was skipped and the "
                                               "sign-in fails.",
                         with_invalid(results, "skipped: another command in this answer was refused"),
                         _log(request, out, why))
    out = _outcome(request, credential)
    reason = ("The hook VERIFIED the password: sign-in allowed and the password stored." if out.sign_in_allowed
              else f"The hook answered {credential}: the sign-in fails.")
    return Judgement(VERDICT_OK, out, reason, results, _log(request, out))
