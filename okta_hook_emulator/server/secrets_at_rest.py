"""Hook secrets at rest: the values a hook stores for calling its service (the ``authScheme`` value, an OAuth
``clientSecret``, custom header values whose name looks secret) are sealed with Fernet (``cryptography``) before
they reach the database and opened when read. The key lives in a file beside the database (``<db>.key``, mode
0600) or where ``--secret-key`` points; ``:memory:`` databases use a key that lives as long as the process."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from ..emulator.sender import is_secret_header

PREFIX = "fernet:"  # marks a sealed value in the stored JSON


def create_private_file(path: Path, data: bytes = b"") -> bool:
    """Create ``path`` with mode 0600 and ``data`` unless it exists; True when it was created."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return True


def load_key(key_path: str | os.PathLike[str] | None) -> bytes:
    """The Fernet key kept in ``key_path`` (generated there, mode 0600, on first use); a fresh key for None."""
    if key_path is None:
        return Fernet.generate_key()
    path = Path(key_path)
    create_private_file(path, Fernet.generate_key())
    key = path.read_bytes().strip()
    Fernet(key)  # a ValueError here says the file is not a Fernet key
    return key


def default_key_path(db: str) -> str | None:
    """Where the key of database ``db`` lives by default: ``<db>.key`` beside it (None for ``:memory:``)."""
    return None if db == ":memory:" or db.startswith("file:") else f"{db}.key"


class Sealer:
    """Seals and opens the secret fields of a stored hook object."""

    def __init__(self, key: bytes):
        self._fernet = Fernet(key)

    def seal_value(self, value: Any) -> Any:
        """A sealed copy of a string (other values as they are)."""
        if not isinstance(value, str) or value.startswith(PREFIX):
            return value
        return PREFIX + self._fernet.encrypt(value.encode("utf-8")).decode("ascii")

    def open_value(self, value: Any) -> Any:
        """The plain value of a sealed string (plain strings, e.g. from an older database, as they are)."""
        if not isinstance(value, str) or not value.startswith(PREFIX):
            return value
        try:
            return self._fernet.decrypt(value[len(PREFIX):].encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise RuntimeError("A hook secret in the database cannot be decrypted: the secret key file is not the "
                               "one it was written with (see --secret-key).") from None

    def _apply(self, hook: dict, change: Any) -> dict:
        cfg = hook.get("channel", {}).get("config") if isinstance(hook.get("channel"), dict) else None
        if not isinstance(cfg, dict):
            return hook
        out = copy.deepcopy(hook)
        cfg = out["channel"]["config"]
        scheme = cfg.get("authScheme")
        if isinstance(scheme, dict) and "value" in scheme:
            scheme["value"] = change(scheme["value"])
        if "clientSecret" in cfg:
            cfg["clientSecret"] = change(cfg["clientSecret"])
        for header in cfg.get("headers") or []:
            if isinstance(header, dict) and is_secret_header(str(header.get("key", ""))):
                header["value"] = change(header.get("value"))
        return out

    def seal_hook(self, hook: dict) -> dict:
        """A copy of ``hook`` whose secrets are sealed (for the database)."""
        return self._apply(hook, self.seal_value)

    def open_hook(self, hook: dict) -> dict:
        """``hook`` as read from the database with its secrets opened."""
        return self._apply(hook, self.open_value)
