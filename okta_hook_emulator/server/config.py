"""Server configuration: one dataclass, built from a dict, keyword arguments or ``None``."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, fields
from typing import Any

from ..clock import Clock
from ..errors import EmulatorUsageError


@dataclass
class ServerConfig:
    """Everything ``create_app`` needs. ``db`` is a file path or ``":memory:"``."""

    db: str = ":memory:"
    seed: int = 0
    api_token: str | None = None  # generated (unpredictable, it is a credential) when None
    strict: bool = False  # require https:// hook URIs, as Okta does
    clock: Clock | None = None  # None: the wall clock
    policy: dict[str, Any] = field(default_factory=dict)  # DeliveryPolicy overrides for every hook call
    start_worker: bool = True  # start the background event-delivery worker in create_app
    worker_interval: float = 0.05  # seconds between polls of the System Log queue when idle
    org_url: str | None = None  # fixed org URL for `_links`; None: the URL of the incoming request
    client_id: str | None = None  # demo OAuth client; None: id from the seed, secret random per database
    client_secret: str | None = None
    blueprints: list[Any] = field(default_factory=list)  # extra Flask blueprints (e.g. the dashboard)
    secret_key: str | None = None  # file of the key sealing hook secrets at rest; None: "<db>.key" beside the db
    allowed_hosts: list[str] = field(default_factory=list)  # Host names served besides loopback and the bind host
    max_body_bytes: int = 1_048_576  # request bodies above this answer 413
    dashboard_token: str | None = None  # required by the dashboard pages when set (serve() sets one off loopback)
    rate_limit_per_minute: int | None = None  # API requests per minute before 429 E0000047; None: no limit
    captures_dir: str | None = None  # folder of capture records the dashboard's Captures page lists and replays

    def __post_init__(self) -> None:
        if self.api_token is None:
            self.api_token = "00" + secrets.token_urlsafe(30)[:40]
        if not self.api_token or any(c.isspace() for c in self.api_token):
            raise EmulatorUsageError("The API token must be a non-empty string without white space.")

    @classmethod
    def build(cls, config: ServerConfig | dict[str, Any] | None = None, **overrides: Any) -> ServerConfig:
        """A config from a ``ServerConfig``, a dict (case-insensitive keys) or nothing, plus keyword overrides."""
        if isinstance(config, ServerConfig) and not overrides:
            return config
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        if isinstance(config, ServerConfig):
            values = {f.name: getattr(config, f.name) for f in fields(cls)}
        elif config:
            aliases = {"token": "api_token", "db_path": "db", "database": "db"}
            for key, value in dict(config).items():
                name = aliases.get(key.lower(), key.lower())
                if name not in known:
                    if key.isupper():  # Flask-style settings such as TESTING are ignored
                        continue
                    raise EmulatorUsageError(f"Unknown server setting '{key}'. Known: {', '.join(sorted(known))}.")
                values[name] = value
        values.update(overrides)
        return cls(**values)
