"""The people the org knows: the synthetic users of the seeded org (who sign in with the demo password) plus
accounts stored in the database (created by self-service registration, imported users whose password the
password-import hook verifies). One lookup for every front end that signs a person in: the password grant,
the hosted sign-in page, SAML SSO.

A stored account is a JSON object: ``user`` (the :class:`~okta_hook_emulator.payloads.org.OrgUser` fields),
``status`` (Okta's user status, e.g. ``ACTIVE``), ``source`` (``registered`` | ``imported``), ``profile``
(extra profile attributes) and ``password`` (a scrypt hash, or None: an imported user whose password Okta has
not verified yet). Plain passwords are never stored."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import asdict, dataclass, field
from typing import Any

from ..payloads.org import OrgUser

DEMO_PASSWORD = "Emulator-Passw0rd!"  # the password of every synthetic user

SYNTHETIC = "synthetic"
REGISTERED = "registered"
IMPORTED = "imported"


@dataclass
class Account:
    """A person the org knows, with where the account came from and its profile beyond ``OrgUser``."""

    user: OrgUser
    source: str = SYNTHETIC
    status: str = "ACTIVE"
    profile: dict[str, Any] = field(default_factory=dict)
    password_hash: str | None = None

    @property
    def login(self) -> str:
        return self.user.login

    def to_dict(self) -> dict[str, Any]:
        """The stored JSON form."""
        return {"user": asdict(self.user), "source": self.source, "status": self.status, "profile": self.profile,
                "password": self.password_hash}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Account:
        """An account from its stored JSON form."""
        return cls(OrgUser(**data["user"]), data.get("source", REGISTERED), data.get("status", "ACTIVE"),
                   dict(data.get("profile") or {}), data.get("password"))


def hash_password(password: str) -> str:
    """A salted scrypt hash of ``password`` (``scrypt$<salt>$<digest>``, base64)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def _matches(password: str, stored: str) -> bool:
    try:
        _, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=2**14, r=8, p=1)
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


def find_account(st: Any, login: str) -> Account | None:
    """The account whose login or email is ``login`` (case-insensitive): a stored one first, else a synthetic
    user of the seeded org."""
    login = (login or "").strip()
    if not login:
        return None
    stored = st.store.get_user(login)
    if stored is not None:
        return Account.from_dict(stored)
    wanted = login.lower()
    for user in st.emulator.payloads.org.users:
        if wanted in (user.login.lower(), user.email.lower()):
            return Account(user)
    return None


def save_account(st: Any, account: Account) -> None:
    """Store (insert or replace) ``account``."""
    st.store.put_user(account.login, account.to_dict())


def set_password(st: Any, account: Account, password: str) -> Account:
    """Store ``password`` (hashed) for ``account``: a synthetic user becomes a stored account."""
    account.password_hash = hash_password(password)
    if account.source == SYNTHETIC:
        account.source = REGISTERED
    save_account(st, account)
    return account


def password_ok(account: Account, password: str) -> bool:
    """Whether ``password`` is the account's: a stored hash when there is one, else the demo password for a
    synthetic user. An imported user with no verified password has none yet (the password-import hook decides)."""
    if account.password_hash:
        return _matches(password or "", account.password_hash)
    if account.source == SYNTHETIC:
        return hmac.compare_digest((password or "").encode(), DEMO_PASSWORD.encode())
    return False


@dataclass
class SignInAttempt:
    """The result of checking a typed credential: the account when it signs in, else the end user's message;
    ``hook_result`` is the password-import hook call when one ran (an ``InlineResult``, for the pages' panel)."""

    account: Account | None
    message: str | None = None
    hook_result: Any = None


def sign_in_attempt(st: Any, login: str, password: str, *, failed_message: str = "Unable to sign in") -> SignInAttempt:
    """Check ``password`` for ``login``. An imported user with no verified password runs the org's ACTIVE
    password-import inline hook with a request the core builds for that user and the typed password
    (docs/okta-behaviour.md#password-import-hook): VERIFIED signs in and stores the password (so the next
    sign-in does not call the hook), anything else fails with Okta's message. Wrong credentials get
    ``failed_message`` (never which of the two was wrong)."""
    account = find_account(st, login)
    if account is None or account.status != "ACTIVE":
        return SignInAttempt(None, failed_message)
    if account.source == IMPORTED and not account.password_hash:
        from .inline_hooks import active_hook

        hook = active_hook("password-import", st)
        if hook is None:  # no hook can verify the password: like a failed call, the sign-in fails
            from ..emulator.outcomes.password_import import SIGN_IN_FAILED_MESSAGE

            return SignInAttempt(None, SIGN_IN_FAILED_MESSAGE)
        from ..payloads.generate import generate_password_import
        from .inline_hooks import call_hook

        with st.lock:  # the seeded factory is not thread-safe
            req = generate_password_import(st.emulator.payloads, user=account.user, password=password or "")
        result = call_hook(hook, via="flow", request=req)
        outcome = result.outcome
        if outcome is not None and outcome.sign_in_allowed:
            if outcome.credential_stored:
                set_password(st, account, password)
            return SignInAttempt(account, None, result)
        message = getattr(outcome, "end_user_message", None) or failed_message
        return SignInAttempt(None, message, result)
    if not password_ok(account, password):
        return SignInAttempt(None, failed_message)
    return SignInAttempt(account)


def authenticate(st: Any, login: str, password: str) -> Account | None:
    """The ACTIVE account ``login`` when ``password`` is its password (an imported user's verified by the
    password-import hook, see :func:`sign_in_attempt`), else None (never says which was wrong)."""
    return sign_in_attempt(st, login, password).account
