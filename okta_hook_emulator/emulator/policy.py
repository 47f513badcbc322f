"""Okta's delivery rules as data. Defaults are Okta's; every value can be overridden per call or per hook."""

from __future__ import annotations

import math
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
        """A copy with some values changed; unknown names and values of the wrong type or range raise ``TypeError``
        naming them (the Emulator turns it into ``EmulatorUsageError``, the server into 400 E0000001)."""
        unknown = set(overrides) - set(asdict(self))
        if unknown:
            raise TypeError(f"Unknown delivery policy setting(s): {', '.join(sorted(unknown))}. "
                            f"Known: {', '.join(asdict(self))}")
        values = {k: v for k, v in overrides.items() if v is not None}
        for name, value in values.items():
            _check(name, value, getattr(self, name))
        return replace(self, **values)

    def for_kind(self, kind: HookKind) -> DeliveryPolicy:
        """Okta's per-kind rule: token and telephony inline hooks are never retried."""
        return self if kind.retried else replace(self, max_retries=0)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _check(name: str, value: Any, default: Any) -> None:
    """Refuse a value of the wrong type or range (``TypeError``, like an unknown name): a timeout of "abc", -1 or
    infinity, a negative retry count... must be a usage error, not a crash or a hang in the sender."""
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise TypeError(f"Delivery policy setting {name} must be true or false, got {value!r}.")
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or \
            (isinstance(default, int) and not isinstance(value, int)):
        kind = "a whole number" if isinstance(default, int) else "a number"
        raise TypeError(f"Delivery policy setting {name} must be {kind}, got {value!r}.")
    low = 1 if name in ("batch_size", "max_response_bytes") else 0
    if not math.isfinite(value) or value < low or (name == "timeout" and value <= 0) or value > _MAX.get(name, 1e12):
        raise TypeError(f"Delivery policy setting {name} is out of range: {value!r} (allowed: "
                        f"{'above 0' if name == 'timeout' else f'at least {low}'} and at most {_MAX.get(name, 1e12):g}).")


_MAX = {"timeout": 600.0, "max_retries": 10, "retry_delay": 60.0}


OKTA_DEFAULT_POLICY = DeliveryPolicy()
