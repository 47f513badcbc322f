"""User import inline hook (``com.okta.import.transform``), docs/okta-behaviour.md#user-import-hook.

Commands: ``com.okta.appUser.profile.update`` and ``com.okta.user.profile.update`` (attribute updates),
``com.okta.action.update`` ``{result: CREATE_USER|LINK_USER}`` and ``com.okta.user.update`` ``{id}`` (required with
LINK_USER). Empty answer / ``{}``: the default action. Failure or an invalid answer: the import continues with the
default action (fail open; a user is created). ``error``: a failure event is logged and the import continues with
the default action (``fidelity.IMPORT_ERROR_CONTINUES_WITH_DEFAULT``).
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
    commands_of,
    error_summary,
    has_error,
    json_copy,
    problem_text,
    shown,
    type_text,
    typed_commands,
    unknown_command,
    with_invalid,
)

APP_USER_UPDATE = "com.okta.appUser.profile.update"
USER_UPDATE_PROFILE = "com.okta.user.profile.update"
ACTION_UPDATE = "com.okta.action.update"
USER_UPDATE = "com.okta.user.update"
CREATE_USER, LINK_USER = "CREATE_USER", "LINK_USER"


@dataclass
class ImportOutcome(Outcome):
    """What the import does with this user."""

    action: str  # CREATE_USER | LINK_USER
    linked_user_id: str | None
    app_user_profile: dict
    user_profile: dict
    modified: bool = False
    error_logged: str | None = None  # errorSummary recorded in the System Log when the hook answered an error

    @property
    def summary(self) -> str:
        who = self.user_profile.get("login") or self.app_user_profile.get("userName") or "the user"
        if self.action == LINK_USER:
            text = f"The imported user is linked to existing Okta user {self.linked_user_id}"
        else:
            text = f"A new Okta user ({who}) is created"
        if self.modified:
            text += " with the hook's profile changes"
        if self.error_logged:
            text += f"; the hook's error was logged ({self.error_logged})"
        return text + "."

    @property
    def denied(self) -> None:
        """An import has no allow/deny decision: the user is created or linked either way."""
        return None


def _data(request: dict) -> dict:
    d = request.get("data") if isinstance(request, dict) else None
    return d if isinstance(d, dict) else {}


def _profile(request: dict, key: str, copy: bool) -> dict:
    obj = _data(request).get(key)
    prof = obj.get("profile") if isinstance(obj, dict) else None
    if not isinstance(prof, dict):
        return {}
    return json_copy(prof) if copy else prof


def _default(request: dict, *, copy: bool = False) -> ImportOutcome:
    """The default action; the profiles are the request's own unless ``copy`` (commands will change them)."""
    data = _data(request)
    action = (data.get("action") or {}).get("result") if isinstance(data.get("action"), dict) else None
    user = data.get("user") if isinstance(data.get("user"), dict) else {}
    user_id = user.get("id") if isinstance(user.get("id"), str) else None
    if action != LINK_USER or not user_id:
        action, user_id = CREATE_USER, None
    return ImportOutcome(action, user_id, _profile(request, "appUser", copy), _profile(request, "user", copy))


def _apply(request: dict, body: dict) -> tuple[ImportOutcome, list[CommandResult], str | None]:
    out = _default(request, copy=bool(commands_of(body)))
    results: list[CommandResult] = []
    refusal_first: str | None = None
    requested_action: str | None = None
    new_id: str | None = None
    for i, ctype, value in typed_commands(body):
        refusal = None
        if ctype in (APP_USER_UPDATE, USER_UPDATE_PROFILE):
            if not isinstance(value, dict):
                refusal = f"{ctype} value must be an object of profile attributes"
            else:
                target = out.app_user_profile if ctype == APP_USER_UPDATE else out.user_profile
                for attr, v in value.items():
                    target[attr] = json_copy(v)
                out.modified = out.modified or bool(value)
                results.append(CommandResult(i, ctype, True, f"updated {', '.join(value) or 'nothing'}", value))
                continue
        elif ctype == ACTION_UPDATE:
            result = value.get("result") if isinstance(value, dict) else None
            if result not in (CREATE_USER, LINK_USER):
                refusal = f"{ACTION_UPDATE} value.result must be CREATE_USER or LINK_USER, not {shown(result)}"
            else:
                requested_action = result
                results.append(CommandResult(i, ctype, True, f"action {result}", value))
                continue
        elif ctype == USER_UPDATE:
            uid = value.get("id") if isinstance(value, dict) else None
            if not isinstance(uid, str) or not uid:
                refusal = f"{USER_UPDATE} value must be {{\"id\": \"<Okta user id>\"}}"
            else:
                new_id = uid
                results.append(CommandResult(i, ctype, True, f"user id {uid}", value))
                continue
        else:
            refusal = unknown_command(ctype, f"the import hook accepts {APP_USER_UPDATE}, "
                                             f"{USER_UPDATE_PROFILE}, {ACTION_UPDATE} and {USER_UPDATE}")
        results.append(CommandResult(i, type_text(ctype), False, refusal, value))
        refusal_first = refusal_first or f"command {i}: {refusal}"
    if requested_action == LINK_USER:
        if new_id is None:
            refusal = f"LINK_USER needs a {USER_UPDATE} command that sets the id of the Okta user to link"
            results.append(CommandResult(len(results), ACTION_UPDATE, False, refusal, {"result": LINK_USER}))
            refusal_first = refusal_first or refusal
        else:
            out.action, out.linked_user_id = LINK_USER, new_id
    elif requested_action == CREATE_USER:
        out.action, out.linked_user_id = CREATE_USER, None
    elif new_id is not None and out.action == LINK_USER:
        out.linked_user_id = new_id
    return out, results, refusal_first


def _log(outcome: ImportOutcome) -> list[LogSpec]:
    if outcome.action != CREATE_USER:
        return []
    prof = outcome.user_profile
    name = " ".join(str(prof[k]) for k in ("firstName", "lastName") if prof.get(k)) or None
    return [LogSpec("user.lifecycle.create", "SUCCESS", None,
                    [{"type": "User", "alternateId": prof.get("login") or prof.get("email"), "displayName": name}])]


def judge(request: dict, response_body: dict | None, transport_ok: bool, problems: list,
          ctx: JudgeContext) -> Judgement:
    """Judge a user-import hook answer: the action taken and the resulting profiles."""
    default = _default(request)
    if not transport_ok:
        return Judgement(VERDICT_FAILED, default,
                         f"{ctx.failure_reason or 'The call failed'}; the import hook fails open: the import "
                         "continues with the default action.", [], _log(default))
    if response_body is None:
        return Judgement(VERDICT_OK, default, "Empty answer: the default action is used.", [], _log(default))
    if has_error(response_body):
        summary = error_summary(response_body)
        results = with_invalid(_apply(request, response_body)[1], "not applied: the hook answered an error")
        outcome = _default(request)
        outcome.error_logged = summary
        specs = _log(outcome) if fidelity.IMPORT_ERROR_CONTINUES_WITH_DEFAULT else []
        return Judgement(VERDICT_ERROR, outcome,
                         f"The hook answered an error object; Okta records it in the System Log ({summary}) and "
                         "the import continues with the default action.", results, specs)
    outcome, results, refusal = _apply(request, response_body)
    if problems or refusal:
        why = refusal or problem_text(problems)
        return Judgement(VERDICT_INVALID, default,
                         f"The answer broke Okta's rules ({why}); the whole answer was skipped and the import "
                         "continues with the default action.",
                         with_invalid(results, "skipped: another command in this answer was refused"), _log(default))
    reason = f"Applied {len(results)} command(s)." if results else "No commands: the default action is used."
    return Judgement(VERDICT_OK, outcome, reason, results, _log(outcome))
