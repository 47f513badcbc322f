"""The emulator's token signing key: one RSA 2048 key pair per ``Emulator`` instance, a JWKS, and RS256 minting.

The key is generated lazily on first use (generation takes tens of milliseconds), then reused. Keys are never
seeded: like a real org's keys they are secret material, so two emulators never share one. Everything *signed*
with a key is still deterministic (RS256 / PKCS#1 v1.5 signatures are deterministic).
"""

from __future__ import annotations

import base64
import hashlib
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # PyJWT and cryptography are imported when a key is first made or a token signed/verified
    from cryptography.hazmat.primitives.asymmetric import rsa

ALGORITHM = "RS256"
KEY_SIZE = 2048


def _b64url_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8 or 1, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


class SigningKeys:
    """An RSA key pair with a ``kid``; ``jwks()`` publishes the public half, ``mint(claims)`` signs RS256 JWTs."""

    def __init__(self, private_key: rsa.RSAPrivateKey | None = None):
        self._private_key = private_key
        self._kid: str | None = None
        self._lock = threading.Lock()
        self.saml_certificate: Any = None  # the SAML signing certificate, made by emulator.saml_signing on first use

    # -- key material -------------------------------------------------------------------------------------------
    @property
    def private_key(self) -> rsa.RSAPrivateKey:
        """The private key (generated on first access)."""
        if self._private_key is None:
            with self._lock:
                if self._private_key is None:
                    from cryptography.hazmat.primitives.asymmetric import rsa

                    self._private_key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
        return self._private_key

    @property
    def public_key(self) -> rsa.RSAPublicKey:
        """The public key that verifies every minted token."""
        return self.private_key.public_key()

    @property
    def kid(self) -> str:
        """Key id: the RFC 7638 JWK thumbprint of the public key (base64url SHA-256), as Okta-style key ids go."""
        if self._kid is None:
            numbers = self.public_key.public_numbers()
            canonical = f'{{"e":"{_b64url_uint(numbers.e)}","kty":"RSA","n":"{_b64url_uint(numbers.n)}"}}'
            digest = hashlib.sha256(canonical.encode("ascii")).digest()
            self._kid = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
        return self._kid

    def public_jwk(self) -> dict[str, Any]:
        """The public key as one JWK (``kty``, ``alg``, ``kid``, ``use``, ``e``, ``n``) as Okta's keys endpoint shows it."""
        numbers = self.public_key.public_numbers()
        return {"kty": "RSA", "alg": ALGORITHM, "kid": self.kid, "use": "sig",
                "e": _b64url_uint(numbers.e), "n": _b64url_uint(numbers.n)}

    def jwks(self) -> dict[str, Any]:
        """``{"keys": [<public JWK>]}`` — what ``/oauth2/default/v1/keys`` answers."""
        return {"keys": [self.public_jwk()]}

    def public_pem(self) -> str:
        """The public key in PEM (SubjectPublicKeyInfo)."""
        from cryptography.hazmat.primitives import serialization

        return self.public_key.public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")

    # -- signing ------------------------------------------------------------------------------------------------
    def mint(self, claims: dict[str, Any]) -> str:
        """Sign ``claims`` as a compact RS256 JWT whose header carries this key's ``kid``."""
        import jwt

        return jwt.encode(dict(claims), self.private_key, algorithm=ALGORITHM, headers={"kid": self.kid})

    def decode(self, token: str, **options: Any) -> dict[str, Any]:
        """Verify and decode a token minted here (PyJWT options pass through, e.g. ``audience=...``)."""
        import jwt

        return jwt.decode(token, self.public_key, algorithms=[ALGORITHM], **options)


def verify(token: str, keys: SigningKeys | Mapping[str, Any], *, audience: str | None = None,
           issuer: str | None = None, check_times: bool = True) -> dict[str, Any]:
    """Verify an RS256 JWT as an OAuth client would and return its claims: the key is picked by the token's
    ``kid`` from a JWKS (``{"keys": [...]}``, e.g. from ``/oauth2/default/v1/keys``) or from ``SigningKeys``.
    ``audience`` / ``issuer`` are checked when given; ``check_times=False`` skips ``exp`` / ``iat`` / ``nbf``.
    Raises ``jwt.PyJWTError`` when the token does not verify."""
    jwks = keys.jwks() if isinstance(keys, SigningKeys) else dict(keys)
    import jwt

    kid = jwt.get_unverified_header(token).get("kid")
    key = next((k for k in jwt.PyJWKSet.from_dict(jwks).keys if k.key_id == kid), None)
    if key is None:
        raise jwt.InvalidKeyError(f"no key with kid {kid!r} in the JWKS")
    options: dict[str, Any] = {"verify_aud": audience is not None}
    if not check_times:
        options.update(verify_exp=False, verify_iat=False, verify_nbf=False)
    return jwt.decode(token, key.key, algorithms=[ALGORITHM], audience=audience, issuer=issuer, options=options)
