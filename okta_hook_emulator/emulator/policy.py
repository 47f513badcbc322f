"""Okta's delivery rules as data. Defaults are Okta's; every value can be overridden per call or per hook."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from .. import fidelity
from ..payloads.catalog import HookKind


@dataclass(frozen=True)
class DeliveryPolicy:
    """How Okta sends one hook call: timeout per attempt, retries, redirect rule, size limit, batching."""

    timeout: float = 3.0  # seconds per attempt (Okta: 3 s)
    max_retries: int = 1  # Okta: at most one retry (0 for token and telephony, see for_kind)
    retry_on_timeout: bool = True
    retry_on_connection_error: bool = True
    retry_on_5xx: bool = True
    retry_on_redirect: bool = fidelity.RETRY_ON_REDIRECT
    retry_delay: float = fidelity.RETRY_DELAY_SECONDS
    follow_redirects: bool = False  # Okta never follows redirects; kept for documentation, must stay False
    max_response_bytes: int = fidelity.MAX_RESPONSE_BYTES
    batch_size: int = fidelity.EVENT_BATCH_SIZE  # event hooks only
    record_body_limit: int = 64 * 1024  # recorded response bodies are cut at this many bytes

    @property
    def max_attempts(self) -> int:
        return 1 + max(0, self.max_retries)

    def with_overrides(self, **overrides: Any) -> DeliveryPolicy:
        """A copy with some values changed; unknown names raise ``TypeError`` naming them."""
        unknown = set(overrides) - set(asdict(self))
        if unknown:
            raise TypeError(f"Unknown delivery policy setting(s): {', '.join(sorted(unknown))}. "
                            f"Known: {', '.join(asdict(self))}")
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})

    def for_kind(self, kind: HookKind) -> DeliveryPolicy:
        """Okta's per-kind rule: token and telephony inline hooks are never retried."""
        return self if kind.retried else replace(self, max_retries=0)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


OKTA_DEFAULT_POLICY = DeliveryPolicy()
