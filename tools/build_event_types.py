"""Build ``okta_hook_emulator/payloads/data/event_types.json`` from a Markdown list of Okta's event-hook-eligible
event types (docs/okta-behaviour.md#eligible-event-types): the maintainers' notes on Okta's event-types.json, whose
section "## Appendix A" lists one type a line and "## Appendix B" follows it.

Run once by a maintainer (the project never reads these notes at run time)::

    python tools/build_event_types.py <path to the notes>.md

Each Appendix A line ``- `name` [flags] — Description.`` becomes one entry. Hand-specified shapes (``HAND``) cover
the most used types; every other type gets the shape of its family template (longest matching prefix in
``FAMILIES``).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "okta_hook_emulator" / "payloads" / "data" / "event_types.json"
LINE = re.compile(r"^- `([a-zA-Z0-9_.]+)`(?: \[([^\]]+)\])? — (.*)$")

# target shorthand -> {"type": ..., "pool": ...}; pools are resolved by payloads/generate.py against the org.
T = {
    "User": {"type": "User", "pool": "user"},
    "UserGroup": {"type": "UserGroup", "pool": "group"},
    "AppInstance": {"type": "AppInstance", "pool": "app"},
    "AppUser": {"type": "AppUser", "pool": "app_user"},
    "AuthenticatorEnrollment": {"type": "AuthenticatorEnrollment", "pool": "enrollment"},
    "Password": {"type": "AuthenticatorEnrollment", "pool": "password_enrollment"},
    "AdminConsole": {"type": "AppInstance", "pool": "admin_console"},
    "PolicyEntity": {"type": "PolicyEntity", "pool": "policy"},
    "PolicyRule": {"type": "PolicyRule", "pool": "policy_rule"},
    "InlineHook": {"type": "InlineHook", "pool": "inline_hook"},
    "AuthorizationServer": {"type": "AuthorizationServer", "pool": "auth_server"},
    "IdentityProvider": {"type": "IdentityProvider", "pool": "idp"},
    "Device": {"type": "Device", "pool": "device"},
}


def generic(type_: str, prefix: str, label: str) -> dict:
    """A target drawn from the org's generic name pool (``label`` names the kind of object)."""
    return {"type": type_, "pool": "generic", "idPrefix": prefix, "label": label}


# name -> (actor role, targets, legacyEventType, extra)
HAND: dict[str, tuple[str, list[dict], str | None, dict]] = {
    "user.lifecycle.create": ("admin", [T["User"]], "core.user.config.user_creation.success", {}),
    "user.lifecycle.activate": ("admin", [T["User"]], "core.user.config.user_activated", {}),
    "user.lifecycle.deactivate": ("admin", [T["User"]], "core.user.config.user_deactivated", {}),
    "user.lifecycle.suspend": ("admin", [T["User"]], "core.user.config.user_suspended", {}),
    "user.lifecycle.unsuspend": ("admin", [T["User"]], "core.user.config.user_unsuspended", {}),
    "user.lifecycle.reactivate": ("admin", [T["User"]], None, {}),
    "user.lifecycle.delete.initiated": ("admin", [T["User"]], None, {}),
    "user.account.update_profile": ("self", [T["User"]], None, {"debug": ["changedAttributes"]}),
    "user.account.update_password": ("self", [T["User"]], "core.user.config.password_update.success", {}),
    "user.account.reset_password": ("admin", [T["User"]], None, {}),
    "user.account.lock": ("self", [T["User"]], "core.user_auth.account_locked", {"severity": "WARN"}),
    "user.account.unlock": ("system", [T["User"]], None, {}),
    "user.account.unlock_by_admin": ("admin", [T["User"]], None, {}),
    "user.account.privilege.grant": ("admin", [T["User"]], None, {}),
    "user.account.privilege.revoke": ("admin", [T["User"]], None, {}),
    "user.session.start": ("self", [T["Password"], T["AdminConsole"]], "core.user_auth.login_success",
                           {"debug": ["authnRequestId", "deviceFingerprint", "dtHash", "origin", "threatSuspected"],
                            "requestUri": "/idp/idx/identify"}),
    "user.session.end": ("self", [], "core.user_auth.logout_success", {"requestUri": "/login/signout"}),
    "user.session.clear": ("admin", [T["User"]], None, {}),
    "user.session.context.change": ("self", [T["User"]], None, {}),
    "user.authentication.sso": ("self", [T["AppInstance"], T["AppUser"]], "app.auth.sso", {}),
    "user.authentication.auth_via_mfa": ("self", [T["AuthenticatorEnrollment"]], None,
                                         {"requestUri": "/idp/idx/challenge/answer"}),
    "user.authentication.auth_via_IDP": ("self", [T["IdentityProvider"]], None, {}),
    "user.authentication.auth_via_social": ("self", [T["IdentityProvider"]], None, {}),
    "user.mfa.factor.activate": ("self", [T["User"], T["AuthenticatorEnrollment"]], "core.user.factor.activate", {}),
    "user.mfa.factor.deactivate": ("admin", [T["User"], T["AuthenticatorEnrollment"]], "core.user.factor.deactivate",
                                   {}),
    "user.mfa.factor.reset_all": ("admin", [T["User"]], None, {}),
    "user.mfa.factor.update": ("self", [T["User"], T["AuthenticatorEnrollment"]], None, {}),
    "user.mfa.factor.suspend": ("admin", [T["User"], T["AuthenticatorEnrollment"]], None, {}),
    "user.mfa.factor.unsuspend": ("admin", [T["User"], T["AuthenticatorEnrollment"]], None, {}),
    "user.import.password": ("self", [T["User"]], None, {"requestUri": "/idp/idx/challenge/answer"}),
    "group.user_membership.add": ("admin", [T["User"], T["UserGroup"]], "core.user_group_member.user_add", {}),
    "group.user_membership.remove": ("admin", [T["User"], T["UserGroup"]], "core.user_group_member.user_remove", {}),
    "group.lifecycle.create": ("admin", [T["UserGroup"]], None, {}),
    "group.lifecycle.delete": ("admin", [T["UserGroup"]], None, {}),
    "group.profile.update": ("admin", [T["UserGroup"]], None, {}),
    "group.application_assignment.add": ("admin", [T["AppInstance"], T["UserGroup"]], None, {}),
    "group.application_assignment.remove": ("admin", [T["AppInstance"], T["UserGroup"]], None, {}),
    "group.application_assignment.update": ("admin", [T["AppInstance"], T["UserGroup"]], None, {}),
    "application.user_membership.add": ("admin", [T["AppUser"], T["AppInstance"], T["User"]],
                                        "app.generic.provision.assign_user_to_app", {}),
    "application.user_membership.remove": ("admin", [T["AppUser"], T["AppInstance"], T["User"]], None, {}),
    "application.user_membership.update": ("admin", [T["AppUser"], T["AppInstance"], T["User"]], None, {}),
    "application.user_membership.change_password": ("self", [T["AppUser"], T["AppInstance"], T["User"]], None, {}),
    "application.lifecycle.create": ("admin", [T["AppInstance"]], None, {}),
    "application.lifecycle.activate": ("admin", [T["AppInstance"]], None, {}),
    "application.lifecycle.deactivate": ("admin", [T["AppInstance"]], None, {}),
    "application.lifecycle.delete": ("admin", [T["AppInstance"]], None, {}),
    "application.lifecycle.update": ("admin", [T["AppInstance"]], None, {}),
    "application.provision.user.push": ("system", [T["AppInstance"], T["AppUser"], T["User"]], None, {}),
    "application.provision.user.push_profile": ("system", [T["AppInstance"], T["AppUser"], T["User"]], None, {}),
    "application.provision.user.sync": ("system", [T["AppInstance"], T["AppUser"], T["User"]], None, {}),
    "policy.lifecycle.activate": ("admin", [T["PolicyEntity"]], None, {}),
    "policy.lifecycle.deactivate": ("admin", [T["PolicyEntity"]], None, {}),
    "policy.lifecycle.update": ("admin", [T["PolicyEntity"]], None, {}),
    "policy.rule.add": ("admin", [T["PolicyEntity"], T["PolicyRule"]], None, {}),
    "policy.rule.update": ("admin", [T["PolicyEntity"], T["PolicyRule"]], None, {}),
    "policy.rule.activate": ("admin", [T["PolicyEntity"], T["PolicyRule"]], None, {}),
    "policy.rule.deactivate": ("admin", [T["PolicyEntity"], T["PolicyRule"]], None, {}),
    "policy.rule.delete": ("admin", [T["PolicyEntity"], T["PolicyRule"]], None, {}),
    "system.import.start": ("system", [T["AppInstance"]], None, {}),
    "system.import.complete": ("system", [T["AppInstance"]], None, {}),
    "system.import.group.create": ("system", [T["AppInstance"], T["UserGroup"]], None, {}),
    "system.import.group.delete": ("system", [T["AppInstance"], T["UserGroup"]], None, {}),
    "inline_hook.executed": ("system", [T["InlineHook"]], None, {}),
    # OIE puts the phone in debugData instead of a MobilePhone target (docs/okta-behaviour.md#logevent-shape).
    "system.sms.send_phone_verification_message": ("self", [], None, {"debug": ["phoneNumber", "countryCallingCode"]}),
    "system.voice.send_phone_verification_call": ("self", [], None, {"debug": ["phoneNumber", "countryCallingCode"]}),
}

# prefix -> (actor role, targets); the longest matching prefix wins.
FAMILIES: dict[str, tuple[str, list[dict]]] = {
    "access.request.condition": ("admin", [generic("AccessRequestCondition", "rcd", "Access condition")]),
    "access.request.sequence": ("admin", [generic("AccessRequestSequence", "rsq", "Approval sequence")]),
    "access.request.settings": ("admin", [generic("AccessRequestSettings", "rst", "Access request settings")]),
    "access.request": ("self", [generic("AccessRequest", "acr", "Access request"), T["AppInstance"]]),
    "access.review": ("admin", [generic("AccessReview", "arv", "Access review")]),
    "app.access_request": ("self", [T["AppInstance"], T["User"]]),
    "app.ad.password_migration_campaign": ("system", [T["User"], T["AppInstance"]]),
    "app.ai_agent_provider": ("admin", [generic("AIAgentProvider", "aap", "AI agent provider")]),
    "app.interclient_mapping": ("admin", [T["AppInstance"], T["AppInstance"]]),
    "app.oauth2.as.consent": ("self", [T["User"], T["AppInstance"]]),
    "app.oauth2.as.token": ("system", [T["AppInstance"], T["AuthorizationServer"]]),
    "app.oauth2.token": ("system", [T["AppInstance"]]),
    "app.oauth2.client.privilege": ("admin", [T["AppInstance"]]),
    "app.oauth2.trusted_server": ("admin", [T["AuthorizationServer"], T["AuthorizationServer"]]),
    "app.user_management.user_group_import": ("system", [T["AppInstance"], T["UserGroup"]]),
    "app.user_management": ("system", [T["AppInstance"], T["User"]]),
    "application.account": ("system", [T["AppInstance"], T["AppUser"]]),
    "application.lifecycle": ("admin", [T["AppInstance"]]),
    "application.policy.sign_on": ("self", [T["AppInstance"]]),
    "application.provision.group_push": ("system", [T["AppInstance"], T["UserGroup"]]),
    "application.provision.user": ("system", [T["AppInstance"], T["AppUser"], T["User"]]),
    "application.user_membership": ("admin", [T["AppUser"], T["AppInstance"], T["User"]]),
    "certification.campaign.context": ("admin", [generic("CertificationCampaignContext", "ccx", "Campaign context")]),
    "certification.campaign": ("admin", [generic("CertificationCampaign", "icc", "Access certification")]),
    "device.user": ("admin", [T["Device"], T["User"]]),
    "device": ("admin", [T["Device"]]),
    "entitlement.migration": ("system", [T["AppInstance"]]),
    "governance": ("admin", [generic("GovernanceSettings", "gvs", "Governance settings")]),
    "group.privilege": ("admin", [T["UserGroup"]]),
    "group": ("admin", [T["UserGroup"]]),
    "iam.policy": ("admin", [generic("IamPolicy", "iap", "IAM policy")]),
    "iam.resourceset": ("admin", [generic("ResourceSet", "iam", "Resource set")]),
    "iam.role": ("admin", [generic("Role", "cr0", "Custom role")]),
    "inline_hook": ("system", [T["InlineHook"]]),
    "policy.auth_reevaluate": ("self", [T["PolicyEntity"], T["PolicyRule"]]),
    "policy.branch": ("admin", [T["PolicyEntity"], generic("PolicyBranch", "pbr", "Policy branch")]),
    "policy.lifecycle": ("admin", [T["PolicyEntity"]]),
    "policy.rule": ("admin", [T["PolicyEntity"], T["PolicyRule"]]),
    "resource.collection": ("admin", [generic("ResourceCollection", "rco", "Resource collection")]),
    "resource.entitlement_bundle": ("admin", [T["AppInstance"], generic("EntitlementBundle", "enb", "Bundle")]),
    "resource.entitlement_policy": ("admin", [T["AppInstance"], generic("EntitlementPolicy", "enp", "Policy")]),
    "resource.entitlement": ("admin", [T["AppInstance"], generic("Entitlement", "esp", "Entitlement")]),
    "resource.governance_engine": ("admin", [T["AppInstance"]]),
    "resource.label": ("admin", [generic("Label", "lbl", "Label")]),
    "resource.owner": ("admin", [T["AppInstance"], T["User"]]),
    "resource.risk_rule": ("admin", [generic("RiskRule", "rrl", "Risk rule")]),
    "resource.user_entitlements": ("system", [T["AppInstance"], T["User"]]),
    "resource_servers": ("admin", [generic("ResourceServer", "rsv", "Resource server")]),
    "security.authenticator": ("admin", [generic("Authenticator", "aut", "Authenticator")]),
    "security.breached_credential": ("system", [T["User"]]),
    "security.trusted_origin": ("admin", [generic("TrustedOrigin", "tos", "Trusted origin")]),
    "system.api_token": ("admin", [generic("Token", "00T", "API token")]),
    "system.email": ("system", [T["User"]]),
    "system.idp": ("admin", [T["IdentityProvider"]]),
    "system.import": ("system", [T["AppInstance"]]),
    "system.log_stream": ("admin", [generic("LogStream", "0oa", "Log stream")]),
    "system.mfa": ("admin", [T["User"]]),
    "system.oauth2": ("system", [T["AppInstance"]]),
    "system.org.rate_limit": ("system", []),
    "system": ("system", []),
    "user.account": ("self", [T["User"]]),
    "user.authentication": ("self", [T["User"]]),
    "user.mfa": ("self", [T["User"], T["AuthenticatorEnrollment"]]),
    "user": ("self", [T["User"]]),
    "workload_principal": ("admin", [generic("WorkloadPrincipal", "wlp", "Workload principal")]),
}

WARN_WORDS = ("fail", "deny", "violation", "lock", "breach", "roadblock", "exceeded", "outside_allowed_range",
              "risk.detect", "drift.detect", "suspicious", "reject", "expire", "warning")
FAILURE_WORDS = ("fail", "deny_access", "outside_allowed_range", "violation")
JOB_PREFIXES = ("system.import", "application.provision", "app.user_management", "entitlement.migration",
                "app.ai_agent_provider.import", "application.account", "resource.user_entitlements")


def severity(name: str) -> str:
    """ERROR for hard failures, WARN for failures, denials and risk signals, INFO otherwise."""
    if name.endswith("failed.with.error"):
        return "ERROR"
    if any(w in name for w in WARN_WORDS) and not name.endswith(("unlock", "unlock_by_admin")):
        return "WARN"
    return "INFO"


def outcome(name: str) -> str:
    """The default ``outcome.result``."""
    if name.endswith(".deny_access"):
        return "DENY"
    if any(w in name for w in FAILURE_WORDS):
        return "FAILURE"
    return "SUCCESS"


def family(name: str) -> tuple[str, list[dict]]:
    parts = name.split(".")
    for n in range(len(parts), 0, -1):
        prefix = ".".join(parts[:n])
        if prefix in FAMILIES:
            return FAMILIES[prefix]
    raise SystemExit(f"no family template for {name}")


def build(text: str) -> dict:
    start = text.index("## Appendix A")
    end = text.index("## Appendix B")
    entries = {}
    for line in text[start:end].splitlines():
        m = LINE.match(line.strip())
        if not m:
            continue
        name, flags, desc = m.group(1), (m.group(2) or ""), m.group(3).strip()
        flag_set = {f.strip() for f in flags.split(",") if f.strip()}
        truncated = desc.endswith("...")
        message = desc[:-3].rstrip() if truncated else desc.rstrip(".")
        if name in HAND:
            role, targets, legacy, extra = HAND[name]
            hand = True
        else:
            (role, targets), legacy, extra, hand = family(name), None, {}, False
        entries[name] = {
            "displayMessage": message,
            "description": desc,
            "severity": extra.get("severity", severity(name)),
            "legacyEventType": legacy,
            "actor": {"role": role, "type": "SystemPrincipal" if role == "system" else "User"},
            "targets": targets,
            "outcome": outcome(name),
            "transactionType": "JOB" if name.startswith(JOB_PREFIXES) else "WEB",
            "requestUri": extra.get("requestUri"),
            "debugData": extra.get("debug", []),
            "oieOnly": "oie-only" in flag_set,
            "beta": "beta" in flag_set,
            "changeDetails": "changeDetails" in flag_set,
            "handSpecified": hand,
        }
    unknown = set(HAND) - set(entries)
    if unknown:
        raise SystemExit(f"hand-specified types not in Appendix A: {sorted(unknown)}")
    return {"source": "Okta event-types.json (release 2026.08.1), event-hook-eligible tag; see "
                      "docs/okta-behaviour.md#eligible-event-types",
            "count": len(entries), "eventTypes": dict(sorted(entries.items()))}


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit("usage: python tools/build_event_types.py EVENT_TYPE_TABLE.md (a Markdown file with the "
                         "Appendix A/B tables of event-hook-eligible types)")
    src = Path(sys.argv[1])
    data = build(src.read_text())
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    hand = sum(1 for e in data["eventTypes"].values() if e["handSpecified"])
    print(f"wrote {data['count']} event types ({hand} hand-specified) to {OUT}")


if __name__ == "__main__":
    main()
