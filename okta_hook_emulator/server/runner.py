"""Run the app on a real socket: ``serve(config, host, port)`` starts werkzeug's threaded server in a thread and
returns ``ServerHandle(server, thread, url)`` (tuple-unpackable) with ``.app`` and ``.stop()``."""

from __future__ import annotations

import datetime as _dt
import ipaddress
import secrets
import shutil
import ssl
import tempfile
import threading
from pathlib import Path
from typing import Any, NamedTuple

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from .app import EXTENSION, create_app
from .config import ServerConfig
from .hosts import SERVER_URL_KEY, WILDCARD_BINDS, bind_hosts, is_loopback


class ServerHandle(NamedTuple):
    """A running server: unpack as ``server, thread, url = serve(...)``."""

    server: BaseWSGIServer
    thread: threading.Thread
    url: str

    @property
    def app(self) -> Flask:
        return self.server.app  # type: ignore[return-value]

    @property
    def state(self) -> Any:
        return self.app.extensions[EXTENSION]

    @property
    def token(self) -> str:
        return self.state.config.api_token

    def stop(self, timeout: float = 10.0) -> None:
        """Stop accepting requests, drain the delivery worker, close the database and remove the certificate
        folder ``tls=True`` generated."""
        self.server.shutdown()
        self.thread.join(timeout)
        self.server.server_close()
        self.state.close()
        generated = getattr(self.server.ssl_context, "generated_dir", None)
        if generated:
            shutil.rmtree(generated, ignore_errors=True)


def self_signed_context(host: str = "127.0.0.1", directory: str | None = None) -> ssl.SSLContext:
    """A server SSL context with a freshly generated self-signed certificate for ``host`` (and localhost)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "okta-hook-emulator")])
    sans: list[x509.GeneralName] = [x509.DNSName("localhost")]
    try:
        sans.append(x509.IPAddress(ipaddress.ip_address(host)))
    except ValueError:
        sans.append(x509.DNSName(host))
    now = _dt.datetime.now(_dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - _dt.timedelta(minutes=5))
            .not_valid_after(now + _dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName(sans), critical=False)
            .sign(key, hashes.SHA256()))
    folder = Path(directory or tempfile.mkdtemp(prefix="okta-hooks-tls-"))  # a generated one is removed by stop()
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert_path, key_path)
    ctx.cert_path = str(cert_path)  # type: ignore[attr-defined]  # for clients that want to trust it
    ctx.generated_dir = None if directory else str(folder)  # type: ignore[attr-defined]
    return ctx


class QuietHandler(WSGIRequestHandler):
    """A request handler that does not print one line per request."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


def serve(config: ServerConfig | dict[str, Any] | None = None, *, host: str = "127.0.0.1", port: int = 0,
          tls: bool = False, app: Flask | None = None, quiet: bool = True, dashboard: bool = True,
          **overrides: Any) -> ServerHandle:
    """Start the emulator on ``host:port`` (0 = any free port) in a daemon thread; returns a ``ServerHandle``.
    ``dashboard`` adds the dashboard pages at ``/`` (a blueprint from ``okta_hook_emulator.dashboard``)."""
    if app is None:
        cfg = ServerConfig.build(config, **overrides)
        if dashboard:
            from ..dashboard import bp as dashboard_bp

            if dashboard_bp not in cfg.blueprints:
                cfg.blueprints = [*cfg.blueprints, dashboard_bp]
        if not is_loopback(host) and cfg.dashboard_token is None:
            cfg.dashboard_token = secrets.token_urlsafe(24)  # reachable beyond this machine: the pages need it
        app = create_app(cfg)
    cfg = app.extensions[EXTENSION].config
    cfg.allowed_hosts = [*cfg.allowed_hosts, *bind_hosts(host)]
    ssl_context = self_signed_context(host) if tls else None
    server = make_server(host, port, app, threaded=True, ssl_context=ssl_context,
                         request_handler=QuietHandler if quiet else None)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, name="okta-hooks-server",
                              daemon=True)
    thread.start()
    scheme = "https" if tls else "http"
    shown = f"[{host}]" if ":" in host else host
    url = f"{scheme}://{shown}:{server.server_port}"
    own = url if host not in WILDCARD_BINDS else f"{scheme}://127.0.0.1:{server.server_port}"
    app.config.setdefault(SERVER_URL_KEY, own)
    return ServerHandle(server, thread, url)
