"""Token inline hook (``com.okta.oauth2.tokens.transform``): patch ops applied with Okta's rules, then real
RS256 tokens minted (docs/okta-behaviour.md#token-hook).

Rules: ``add`` on an existing claim replaces it; ``replace``/``remove`` only on claims the token carries;
array indexes and ``-`` (append); reserved claims refused (``aud``/``sub`` editable in access tokens only);
lifetime 300–86400 s via ``/token/lifetime/expiration``; ``remove`` value must be absent or null; a patch for a
token that was not requested is invalid. One bad op skips the whole hook: tokens are minted unmodified.
An ``error`` object: no tokens, the client gets ``server_error`` with the ``errorSummary``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ...clock import Clock
from ...payloads.validate import (
    LIFETIME_MAX,
    LIFETIME_MIN,
    LIFETIME_PATH,
    RESERVED_ACCESS_ONLY,
    RESERVED_BOTH,
    RESERVED_ID_ONLY,
)
from ..results import VERDICT_ERROR, VERDICT_FAILED, VERDICT_INVALID, VERDICT_OK, CommandResult
from . import (
    CommandRefused,
    JudgeContext,
    Judgement,
    Outcome,
    apply_patch_commands,
    error_summary,
    has_error,
    json_copy,
    pointer_add,
    pointer_remove,
    pointer_replace,
    problem_text,
    shown,
    split_pointer,
    unknown_command,
    with_invalid,
)

IDENTITY_PATCH = "com.okta.identity.patch"
ACCESS_PATCH = "com.okta.access.patch"
DEFAULT_LIFETIME = 3600

# Reserved claims and lifetime bounds (docs/okta-behaviour.md#reserved-claims and #token-lifetime): one
# source of truth in payloads/validate.py.
RESERVED = {"identity": RESERVED_BOTH | RESERVED_ID_ONLY, "access": RESERVED_BOTH | RESERVED_ACCESS_ONLY}
TOKEN_NAMES = {"identity": "ID token", "access": "access token"}
COMMAND_TARGET = {IDENTITY_PATCH: "identity", ACCESS_PATCH: "access"}


class Token:
    """One minted token: final ``claims`` (as in the JWT, with ``iat``/``exp``), ``lifetime`` and the signed ``jwt``.

    Given ``issued_at``, ``claims`` are the given claims plus ``iat`` and ``exp`` (a new top-level dict, built on
    first access); without it they are the given claims as they are. The JWT is signed on first access (signing
    costs about a millisecond; judging needs neither)."""

    def __init__(self, claims: dict[str, Any], lifetime: int, keys: Any, issued_at: int | None = None):
        self._claims = claims
        self._issued_at = issued_at
        self.lifetime = lifetime
        self._keys = keys

    @cached_property
    def claims(self) -> dict[str, Any]:
        """The token's claims as in the JWT."""
        if self._issued_at is None:
            return self._claims
        final = dict(self._claims)
        final["iat"] = self._issued_at
        final["exp"] = self._issued_at + self.lifetime
        return final

    @cached_property
    def jwt(self) -> str | None:
        """The RS256-signed compact JWT (``None`` when the judge had no signing keys)."""
        return self._keys.mint(self.claims) if self._keys is not None else None

    def to_dict(self) -> dict[str, Any]:
        return {"claims": self.claims, "lifetime": self.lifetime, "jwt": self.jwt}

    def __repr__(self) -> str:
        return f"Token(lifetime={self.lifetime}, claims={self.claims!r})"


@dataclass
class TokenOutcome(Outcome):
    """What the OAuth client gets back after the token hook."""

    tokens_issued: bool
    error: dict | None
    id_token: Token | None
    access_token: Token | None
    original_id_claims: dict | None
    original_access_claims: dict | None
    modified: bool
    changes: list[str] = field(default_factory=list)  # human-readable list of the applied changes

    @property
    def summary(self) -> str:
        if not self.tokens_issued:
            return (f"No tokens were issued: the client gets an OAuth error "
                    f"{(self.error or {}).get('error')} ({(self.error or {}).get('error_description')}).")
        names = " and ".join(n for n, t in (("ID token", self.id_token), ("access token", self.access_token)) if t)
        if not self.modified:
            return f"The {names or 'token'} {'were' if ' and ' in names else 'was'} minted unmodified."
        return f"The {names} {'were' if ' and ' in names else 'was'} minted with the hook's changes: " \
               f"{'; '.join(self.changes)}."

    def to_dict(self) -> dict[str, Any]:
        return {"tokens_issued": self.tokens_issued, "error": self.error,
                "id_token": self.id_token.to_dict() if self.id_token else None,
                "access_token": self.access_token.to_dict() if self.access_token else None,
                "original_id_claims": self.original_id_claims, "original_access_claims": self.original_access_claims,
                "modified": self.modified, "changes": self.changes, "summary": self.summary}

    @property
    def denied(self) -> bool:
        """The client got an OAuth error or no tokens."""
        return self.error is not None or not self.tokens_issued

    @property
    def denial_message(self) -> str | None:
        """The OAuth error's ``error_description`` (or ``error``)."""
        err = self.error
        return (err.get("error_description") or err.get("error")) if isinstance(err, dict) else None

    @property
    def decision(self) -> str:
        """``OAuth error {...}``, ``tokens issued`` or ``no tokens issued``."""
        if self.error:
            text = json.dumps(self.error, default=str, sort_keys=True)
            return "OAuth error " + (text if len(text) <= 300 else text[:300] + f"... ({len(text)} chars)")
        return "tokens issued" if self.tokens_issued else "no tokens issued"


def _lifetime(section: dict) -> int:
    try:
        value = section["token"]["lifetime"]["expiration"]
    except (KeyError, TypeError):
        return DEFAULT_LIFETIME
    return value if isinstance(value, int) and not isinstance(value, bool) else DEFAULT_LIFETIME


class _Working:
    """Claims and lifetime of the requested tokens while ops are applied. Copy-on-write: ``claims`` starts as the
    request's own dicts; ``writable`` copies a token's claims before its first change."""

    def __init__(self, request: dict):
        data = request.get("data") if isinstance(request, dict) else None
        if not isinstance(data, dict):
            data = {}
        self.sections: dict[str, dict | None] = {}  # "identity" / "access" -> the request's section, or None
        self.claims: dict[str, dict] = {}
        self.lifetime: dict[str, int] = {}
        for name in ("identity", "access"):
            section = data.get(name)
            if isinstance(section, dict) and isinstance(section.get("claims"), dict):
                self.sections[name] = section
                self.claims[name] = section["claims"]
                self.lifetime[name] = _lifetime(section)
            else:
                self.sections[name] = None
        self._copied: set[str] = set()

    def writable(self, name: str) -> dict:
        if name not in self._copied:
            self._copied.add(name)
            self.claims[name] = json_copy(self.claims[name])
        return self.claims[name]

    def original(self, name: str) -> dict | None:
        """The request's claims of that token (never changed by the ops)."""
        sec = self.sections[name]
        return sec["claims"] if sec else None


def _apply_op(work: _Working, target: str, op: Any) -> str:
    """Apply one op to ``work`` or raise CommandRefused; returns a short description of the change."""
    token = TOKEN_NAMES[target]
    if not isinstance(op, dict):
        raise CommandRefused(f"each op must be an object with op, path and value, not {type(op).__name__}")
    kind, path = op.get("op"), op.get("path")
    if kind not in ("add", "replace", "remove"):
        raise CommandRefused(f"invalid operation {shown(kind)}: the token hook supports add, replace and remove")
    if not isinstance(path, str):
        raise CommandRefused("the op has no 'path' string")
    if path == LIFETIME_PATH:
        if kind == "remove":
            raise CommandRefused(f"the {token} lifetime cannot be removed; use replace on {LIFETIME_PATH}")
        value = op.get("value")
        if not isinstance(value, int) or isinstance(value, bool):
            raise CommandRefused(f"lifetime must be a whole number of seconds, not {shown(value)}")
        if not LIFETIME_MIN <= value <= LIFETIME_MAX:
            raise CommandRefused(f"lifetime {value} s is outside {LIFETIME_MIN}–{LIFETIME_MAX} s "
                                 "(minimum five minutes, maximum 24 hours)")
        work.lifetime[target] = value
        return f"{token} lifetime {value} s"
    if not path.startswith("/claims/"):
        raise CommandRefused(f"path {shown(path)} must begin with /claims/ or be {LIFETIME_PATH}")
    parts = split_pointer(path)[1:]
    claim = parts[0]
    if not claim:
        raise CommandRefused(f"path {shown(path)} names no claim")
    if claim in RESERVED[target]:
        extra = " (aud and sub can be changed only in access tokens)" if claim in ("aud", "sub") else ""
        raise CommandRefused(f"{shown(claim)} is a reserved claim and cannot be modified in the {token}{extra}")
    claims = work.claims[target]
    if kind == "add":
        existed = claim in claims and len(parts) == 1
        pointer_add(work.writable(target), parts, op.get("value"), path)
        return f"{token} {'replaced' if existed else 'added'} {path[len('/claims/'):]}"
    if kind == "replace":
        if claim not in claims:
            raise CommandRefused(f"claim {shown(claim)} is not part of the {token} in the request, so it cannot be replaced")
        pointer_replace(work.writable(target), parts, op.get("value"), path)
        return f"{token} replaced {path[len('/claims/'):]}"
    if op.get("value") is not None:
        raise CommandRefused("a remove op's value must be absent or null; any other value fails the entire PATCH")
    if claim not in claims:
        raise CommandRefused(f"claim {shown(claim)} is not part of the {token} in the request, so it cannot be removed")
    pointer_remove(work.writable(target), parts, path)
    return f"{token} removed {path[len('/claims/'):]}"


def _apply(request: dict, body: dict) -> tuple[_Working, list[CommandResult], list[str], str | None]:
    work = _Working(request)

    def refuse(ctype: Any, ops: Any) -> str | None:
        target = COMMAND_TARGET.get(ctype) if isinstance(ctype, str) else None
        if target is None:
            return unknown_command(ctype, f"the token hook accepts {IDENTITY_PATCH} and {ACCESS_PATCH}")
        if target not in work.claims:
            return (f"{ctype} cannot be applied: no {TOKEN_NAMES[target]} was requested "
                    "(commands must match the requested tokens)")
        return None if isinstance(ops, list) else f"{ctype} value must be a list of patch ops"

    results, changes, first_refusal = apply_patch_commands(
        body, refuse, lambda ctype, op: _apply_op(work, COMMAND_TARGET[ctype], op))
    return work, results, changes, first_refusal


def _mint(work: _Working, ctx: JudgeContext) -> dict[str, Token | None]:
    """Tokens from the working claims (a new top-level dict each, with ``iat``/``exp``; claims no op changed share
    their nested values with the request)."""
    now = int(ctx.clock.now().timestamp())
    out: dict[str, Token | None] = {"identity": None, "access": None}
    for name, claims in work.claims.items():
        out[name] = Token(claims, work.lifetime[name], ctx.keys, issued_at=now)
    return out


def _outcome(work: _Working, ctx: JudgeContext, changes: list[str] | None = None) -> TokenOutcome:
    minted = _mint(work, ctx)
    original = work.claims if not work._copied else {n: work.original(n) for n in ("identity", "access")}
    return TokenOutcome(True, None, minted["identity"], minted["access"], original.get("identity"),
                        original.get("access"), bool(changes), changes or [])


def _unmodified(request: dict, ctx: JudgeContext) -> TokenOutcome:
    return _outcome(_Working(request), ctx)


def without_hook(request: dict, keys: Any, clock: Clock) -> TokenOutcome:
    """The tokens Okta mints for ``request`` when no token hook is registered: its claims, unmodified, signed
    with ``keys`` (``SigningKeys``) at ``clock``'s time."""
    return _unmodified(request, JudgeContext(keys=keys, clock=clock))


def judge(request: dict, response_body: dict | None, transport_ok: bool, problems: list,
          ctx: JudgeContext) -> Judgement:
    """Judge a token hook answer and mint the tokens Okta would return."""
    if not transport_ok:
        return Judgement(VERDICT_FAILED, _unmodified(request, ctx),
                         f"{ctx.failure_reason or 'The call failed'}; the token hook fails open (no retry): "
                         "tokens were minted unmodified.")
    if response_body is None:
        return Judgement(VERDICT_OK, _unmodified(request, ctx),
                         "Empty answer (no change): tokens were minted unmodified.")
    if has_error(response_body):
        desc = error_summary(response_body)
        work, results, _, _ = _apply(request, response_body)
        outcome = TokenOutcome(False, {"error": "server_error", "error_description": desc}, None, None,
                               work.original("identity"), work.original("access"), False)
        cmds = with_invalid(results, "not applied: the hook answered an error")
        return Judgement(
            VERDICT_ERROR, outcome,
            f"The hook answered an error object, so the token flow fails with no token: server_error ({desc}).",
            cmds)
    work, results, changes, refusal = _apply(request, response_body)
    if problems or refusal:
        why = refusal or problem_text(problems)
        return Judgement(VERDICT_INVALID, _unmodified(request, ctx),
                         f"The answer broke Okta's patch rules ({why}); the whole hook was skipped and tokens "
                         "were minted unmodified.",
                         with_invalid(results, "skipped: another op in this answer was refused, so Okta skips "
                                               "the whole hook"))
    outcome = _outcome(work, ctx, changes)
    reason = (f"Applied {len(changes)} patch op(s); tokens minted with the hook's changes." if changes
              else "The answer had no patch ops; tokens were minted unmodified.")
    return Judgement(VERDICT_OK, outcome, reason, results)
