"""SAML assertion inline hook (``com.okta.saml.tokens.transform``): ``com.okta.assertion.patch`` ops (add /
replace, JSON Pointer escaping) applied to ``data.assertion``, then the final ``<saml:Assertion>``
(docs/okta-behaviour.md#saml-assertion-hook).

Failure, an empty answer or an invalid answer: the original assertion is issued (fail open). An ``error``
object: the SSO is denied and the end user sees ``errorSummary`` on an error page.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from ...clock import iso
from ..results import VERDICT_ERROR, VERDICT_FAILED, VERDICT_INVALID, VERDICT_OK, CommandResult
from . import (
    CommandRefused,
    JudgeContext,
    Judgement,
    Outcome,
    apply_patch_commands,
    commands_of,
    error_summary,
    has_error,
    json_copy,
    pointer_add,
    pointer_replace,
    problem_text,
    shown,
    split_pointer,
    unknown_command,
    with_invalid,
)

ASSERTION_PATCH = "com.okta.assertion.patch"
ROOTS = ("subject", "authentication", "conditions", "claims")
SESSION_LIFETIME_PATH = "/authentication/sessionLifetime"
NS_SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
NS_XS = "http://www.w3.org/2001/XMLSchema"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
DEFAULT_NAME_FORMAT = "urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified"


@dataclass
class SamlOutcome(Outcome):
    """The SAML response the service provider gets (or the error page the end user sees)."""

    denied: bool
    error_message: str | None
    assertion: dict | None
    assertion_xml: str | None
    session_lifetime: int | None
    modified: bool
    changes: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        if self.denied:
            return f"The SAML sign-in was denied; the end user sees an error page: {self.error_message}"
        if not self.modified:
            return "The original SAML assertion was issued unmodified."
        return f"The SAML assertion was issued with the hook's changes: {'; '.join(self.changes)}."

    # ``denied`` is a field: the sign-in was refused with an error page.

    @property
    def denial_message(self) -> str | None:
        """The error page's message."""
        return self.error_message

    @property
    def decision(self) -> str:
        """``assertion issued`` / ``assertion denied``."""
        return "assertion " + ("denied" if self.denied else "issued")

    @cached_property
    def signed_assertion_xml(self) -> str | None:
        """The assertion as the service provider gets it: signed RSA-SHA256 (exclusive c14n) with the org's SAML
        signing certificate (``emulator.saml_signing``); signed on first access. ``None`` when denied."""
        keys = getattr(self, "signing_keys", None)
        if self.assertion_xml is None or keys is None:
            return None
        from ..saml_signing import sign_assertion

        return sign_assertion(self.assertion_xml, keys)


def _assertion(request: dict, *, copy: bool) -> dict:
    """The request's ``data.assertion`` (a copy when ops will change it)."""
    data = request.get("data") if isinstance(request, dict) else None
    a = data.get("assertion") if isinstance(data, dict) else None
    if not isinstance(a, dict):
        return {}
    return json_copy(a) if copy else a


def _apply_op(doc: dict, op: Any, state: dict) -> str:
    if not isinstance(op, dict):
        raise CommandRefused(f"each op must be an object with op, path and value, not {type(op).__name__}")
    kind, path = op.get("op"), op.get("path")
    if kind not in ("add", "replace"):
        raise CommandRefused(f"invalid operation {shown(kind)}: the SAML hook supports only add and replace")
    if not isinstance(path, str):
        raise CommandRefused("the op has no 'path' string")
    parts = split_pointer(path)
    if not parts or parts[0] not in ROOTS:
        raise CommandRefused(f"path {shown(path)} must begin with /subject/, /authentication/, /conditions/ or /claims/")
    if path == SESSION_LIFETIME_PATH:
        value = op.get("value")
        if kind != "add":
            raise CommandRefused(f"set the session lifetime with an add op on {SESSION_LIFETIME_PATH}")
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise CommandRefused(f"sessionLifetime must be a positive number of seconds, not {shown(value)}")
        state["session_lifetime"] = value
        doc.setdefault("authentication", {})["sessionLifetime"] = value
        return f"session lifetime {value} s"
    if parts[0] == "claims":
        doc.setdefault("claims", {})  # adding the first attribute statement to an app without any
        if len(parts) < 2 or not parts[1]:
            raise CommandRefused(f"path {shown(path)} names no claim")
        if kind == "add" and len(parts) == 2:
            value = op.get("value")
            if not isinstance(value, dict) or not isinstance(value.get("attributeValues"), list):
                raise CommandRefused("a new claim's value must be an object with attributes.NameFormat and "
                                     "attributeValues[]")
    if kind == "add":
        pointer_add(doc, parts, op.get("value"), path)
        return f"added {path}"
    pointer_replace(doc, parts, op.get("value"), path)
    return f"replaced {path}"


def _refuse(ctype: Any, ops: Any) -> str | None:
    if ctype != ASSERTION_PATCH:
        return unknown_command(ctype, f"the SAML hook accepts only {ASSERTION_PATCH}")
    return None if isinstance(ops, list) else f"{ASSERTION_PATCH} value must be a list of patch ops"


def _apply(request: dict, body: dict) -> tuple[dict, dict, list[CommandResult], list[str], str | None]:
    # copy-on-write: the request's assertion is copied only when the answer has commands to apply
    doc = _assertion(request, copy=bool(commands_of(body)))
    state: dict[str, Any] = {"session_lifetime": None}
    results, changes, refusal_first = apply_patch_commands(body, _refuse, lambda _, op: _apply_op(doc, op, state))
    return doc, state, results, changes, refusal_first


# -- XML ------------------------------------------------------------------------------------------------------------

def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _sub(parent: ET.Element, tag: str, attrib: dict[str, str] | None = None, text: Any = None) -> ET.Element:
    el = ET.SubElement(parent, f"saml:{tag}", {k: v for k, v in (attrib or {}).items() if v is not None})
    if text is not None:
        el.text = _text(text)
    return el


def assertion_xml(assertion: dict, request: dict, issue_instant: datetime,
                  session_lifetime: int | None = None) -> str:
    """Render the assertion data as a SAML 2.0 ``<saml:Assertion>`` document (unsigned)."""
    ctx = ((request.get("data") or {}).get("context") or {}) if isinstance(request, dict) else {}
    issuer = ((ctx.get("protocol") or {}).get("issuer") or {}) if isinstance(ctx, dict) else {}
    event_id = request.get("eventId", "") if isinstance(request, dict) else ""
    lifetime = (assertion.get("lifetime") or {}).get("expiration") if isinstance(assertion.get("lifetime"), dict) \
        else None
    lifetime = lifetime if isinstance(lifetime, int) and not isinstance(lifetime, bool) else 300
    instant = iso(issue_instant)
    not_after = iso(issue_instant + timedelta(seconds=lifetime))

    root = ET.Element("saml:Assertion", {"xmlns:saml": NS_SAML, "xmlns:xs": NS_XS, "xmlns:xsi": NS_XSI,
                                         "ID": f"id{_text(event_id).replace('-', '').replace('_', '')}",
                                         "IssueInstant": instant, "Version": "2.0"})
    _sub(root, "Issuer", {"Format": "urn:oasis:names:tc:SAML:2.0:nameid-format:entity"},
         issuer.get("uri") if isinstance(issuer, dict) else "")

    subject = assertion.get("subject") if isinstance(assertion.get("subject"), dict) else {}
    subj = _sub(root, "Subject")
    _sub(subj, "NameID", {"Format": _text(subject.get("nameFormat")) or None}, subject.get("nameId", ""))
    conf = subject.get("confirmation") if isinstance(subject.get("confirmation"), dict) else {}
    conf_el = _sub(subj, "SubjectConfirmation", {"Method": _text(conf.get("method")) or None})
    conf_data = conf.get("data") if isinstance(conf.get("data"), dict) else {}
    _sub(conf_el, "SubjectConfirmationData",
         {"NotOnOrAfter": not_after, "Recipient": _text(conf_data.get("recipient")) or None})

    conditions = assertion.get("conditions") if isinstance(assertion.get("conditions"), dict) else {}
    cond = _sub(root, "Conditions", {"NotBefore": instant, "NotOnOrAfter": not_after})
    audiences = conditions.get("audienceRestriction")
    if audiences:
        ar = _sub(cond, "AudienceRestriction")
        for aud in audiences if isinstance(audiences, list) else [audiences]:
            _sub(ar, "Audience", text=aud.get("audience", aud) if isinstance(aud, dict) else aud)

    authn = assertion.get("authentication") if isinstance(assertion.get("authentication"), dict) else {}
    attrs = {"AuthnInstant": instant, "SessionIndex": _text(authn.get("sessionIndex")) or None}
    if session_lifetime:
        attrs["SessionNotOnOrAfter"] = iso(issue_instant + timedelta(seconds=session_lifetime))
    stmt = _sub(root, "AuthnStatement", attrs)
    ctx_el = _sub(stmt, "AuthnContext")
    ac = authn.get("authnContext") if isinstance(authn.get("authnContext"), dict) else {}
    _sub(ctx_el, "AuthnContextClassRef", text=ac.get("authnContextClassRef", ""))

    claims = assertion.get("claims") if isinstance(assertion.get("claims"), dict) else {}
    if claims:
        attr_stmt = _sub(root, "AttributeStatement")
        for name, claim in claims.items():
            claim = claim if isinstance(claim, dict) else {"attributeValues": [{"value": claim}]}
            cattrs = claim.get("attributes") if isinstance(claim.get("attributes"), dict) else {}
            attr = _sub(attr_stmt, "Attribute", {"Name": str(name),
                                                 "NameFormat": _text(cattrs.get("NameFormat")) or DEFAULT_NAME_FORMAT})
            values = claim.get("attributeValues") if isinstance(claim.get("attributeValues"), list) else []
            for v in values:
                v = v if isinstance(v, dict) else {"value": v}
                vattrs = v.get("attributes") if isinstance(v.get("attributes"), dict) else {}
                xsi_type = _text(vattrs.get("xsi:type")) or "xs:string"
                _sub(attr, "AttributeValue", {"xsi:type": xsi_type}, v.get("value", ""))
    return ET.tostring(root, encoding="unicode")


def _issued(assertion: dict, request: dict, ctx: JudgeContext, session_lifetime: int | None, modified: bool,
            changes: list[str]) -> SamlOutcome:
    xml = assertion_xml(assertion, request, ctx.clock.now(), session_lifetime)
    outcome = SamlOutcome(False, None, assertion, xml, session_lifetime, modified, changes)
    outcome.signing_keys = ctx.keys  # not a field: signed_assertion_xml signs with it when asked
    return outcome


def judge(request: dict, response_body: dict | None, transport_ok: bool, problems: list,
          ctx: JudgeContext) -> Judgement:
    """Judge a SAML hook answer and build the assertion Okta would send."""
    original = _assertion(request, copy=False)  # issued as is when unchanged (never modified by the judge)
    if not transport_ok:
        return Judgement(VERDICT_FAILED, _issued(original, request, ctx, None, False, []),
                         f"{ctx.failure_reason or 'The call failed'}; the SAML hook fails open: the original "
                         "assertion was issued.")
    if response_body is None:
        return Judgement(VERDICT_OK, _issued(original, request, ctx, None, False, []),
                         "Empty answer (no change): the original assertion was issued.")
    if has_error(response_body):
        msg = error_summary(response_body)
        results = with_invalid(_apply(request, response_body)[2], "not applied: the hook answered an error")
        return Judgement(VERDICT_ERROR, SamlOutcome(True, msg, None, None, None, False),
                         f"The hook answered an error object: Okta denies the SAML request and shows: {msg}",
                         results)
    doc, state, results, changes, refusal = _apply(request, response_body)
    if problems or refusal:
        why = refusal or problem_text(problems)
        return Judgement(VERDICT_INVALID, _issued(original, request, ctx, None, False, []),
                         f"The answer broke Okta's rules ({why}); the whole answer was skipped and the original "
                         "assertion was issued.",
                         with_invalid(results, "skipped: another op in this answer was refused, so the whole "
                                               "answer is skipped"))
    reason = (f"Applied {len(changes)} assertion patch op(s)." if changes
              else "The answer had no patch ops; the original assertion was issued.")
    return Judgement(VERDICT_OK, _issued(doc, request, ctx, state["session_lifetime"], bool(changes), changes),
                     reason, results)
