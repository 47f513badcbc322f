"""``okta-hooks serve``: run the Okta-compatible emulator server (Management API, System Log, OAuth, dashboard)."""

from __future__ import annotations

import errno
import signal
import socket
import sqlite3
import sys
import threading
from pathlib import Path

import click

from ..errors import EmulatorUsageError


def wait_for_stop() -> None:
    """Block until Ctrl-C or SIGTERM (the long-running commands: serve, listen, sample-hook)."""
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)


@click.command("serve", short_help="Serve an emulated Okta org: its APIs and dashboard.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind (loopback by default).")
@click.option("--port", type=click.IntRange(0, 65535), default=8070, show_default=True,
              help="TCP port; 0 picks a free one (the URL printed tells which).")
@click.option("--db", default=":memory:", show_default=True, metavar="PATH|:memory:",
              help="SQLite database file; hooks, System Log and deliveries survive restarts on the same file.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the synthetic org and payloads.")
@click.option("--token", default=None, help="API token for 'Authorization: SSWS <token>' (generated if omitted).")
@click.option("--strict", is_flag=True, help="Refuse http:// hook URIs, exactly as Okta does.")
@click.option("--tls", is_flag=True, help="Serve HTTPS with a generated self-signed certificate.")
@click.option("--quiet", is_flag=True, help="Do not print one line per request.")
@click.option("--live/--no-live", default=True, show_default=True,
              help="Print one line per call to a hook (verification, event delivery, inline call) as it happens.")
@click.option("--allowed-host", "allowed_hosts", multiple=True, metavar="NAME",
              help="Also answer for this Host name (repeatable); loopback names and the bind address always work, "
                   "any other Host gets 421. '*' answers for any Host (unsafe off a trusted network).")
@click.option("--secret-key", default=None, metavar="PATH",
              help="File of the key that encrypts hook secrets in the database (created 0600 if missing). "
                   "Default: DB.key beside the database.")
@click.option("--max-body-bytes", type=click.IntRange(1024), default=1_048_576, show_default=True,
              help="Largest request body accepted; bigger ones get 413.")
@click.option("--rate-limit", "rate_limit", type=click.IntRange(min=1), default=None, metavar="N",
              help="Answer 429 (E0000047) after N API requests in a minute, as Okta does (default: no limit).")
@click.option("--captures", "captures_dir", default=None, type=click.Path(file_okay=False), metavar="DIR",
              help="Folder of capture records (okta-hooks capture --out DIR) for the dashboard's Captures page.")
def command(host: str, port: int, db: str, seed: int, token: str | None, strict: bool, tls: bool,
            quiet: bool, live: bool, allowed_hosts: tuple[str, ...], secret_key: str | None, max_body_bytes: int,
            rate_limit: int | None, captures_dir: str | None) -> None:
    """Serve the emulated Okta org: /api/v1/eventHooks, /api/v1/inlineHooks, /api/v1/logs, /oauth2/default,
    the /_emulator/ control API, the hosted end-user pages and the dashboard at /.

    \b
    Examples:
      okta-hooks serve --port 8070 --token my-api-token
      okta-hooks serve --db org.sqlite --strict
    """
    from ..pages import hosted_page_urls
    from ..server import serve
    from ..server.hosts import is_loopback
    from ..server.oauth import demo_client
    from ..server.secrets_at_rest import default_key_path
    from ..server.users import DEMO_PASSWORD

    if (problem := db_problem(db) or port_problem(host, port)) is not None:
        _fail_usage(problem)
    try:
        handle = serve({"db": db, "seed": seed, "api_token": token, "strict": strict,
                        "allowed_hosts": list(allowed_hosts), "secret_key": secret_key,
                        "max_body_bytes": max_body_bytes, "rate_limit_per_minute": rate_limit,
                        "captures_dir": captures_dir},
                       host=host, port=port, tls=tls, quiet=quiet)
    except EmulatorUsageError as exc:
        raise click.UsageError(str(exc)) from None
    except sqlite3.DatabaseError as exc:
        _fail_usage(f"Cannot use the database '{db}': {exc}. Pass a database file okta-hooks serve created, "
                    "or a new path.")
    except OSError as exc:
        _fail_usage(f"Cannot listen on {host} port {port}: {exc.strerror or exc}. Pick another --port "
                    "(0 = any free port).")
    st = handle.state
    client_id, client_secret = demo_client(st)
    pages = hosted_page_urls(handle.url)
    dashboard = f"{handle.url}/" + (f"?token={st.config.dashboard_token}" if st.config.dashboard_token else "")
    if not is_loopback(host):
        _warn_exposed(host, allowed_hosts)
    lines = [
        f"Okta hook emulator listening on {handle.url}",
        f"  Org URL:        {handle.url}",
        f"  API token:      {st.config.api_token}   (Authorization: SSWS <token>)",
        f"  Dashboard:      {dashboard}",
        f"  OAuth issuer:   {handle.url}/oauth2/default   client_id={client_id} client_secret={client_secret}",
        f"  Demo password:  {DEMO_PASSWORD}",
        f"  Sign-in page:   {pages['signIn']}   Registration: {pages['registration']}",
        f"  Demo app:       {pages['demoApp']}   (signs in through /oauth2/default with PKCE)",
        f"  Database:       {db}" + ("" if db == ":memory:" else " (WAL, mode 0600)"),
    ]
    if db != ":memory:":
        lines.append(f"  Secret key:     {secret_key or default_key_path(db)}  (encrypts hook secrets in the database)")
    if rate_limit is not None:
        lines.append(f"  Rate limit:     {rate_limit} API requests per minute (429 E0000047 beyond)")
    if captures_dir:
        lines.append(f"  Captures:       {captures_dir}  (dashboard page {handle.url}/captures)")
    if tls:
        lines.append(f"  TLS cert:       {getattr(handle.server.ssl_context, 'cert_path', '?')}  (self-signed)")
    lines.append("Press Ctrl-C to stop.")
    click.echo("\n".join(lines))
    from .listen import LiveView

    view = LiveView(st, show_hook=True) if live else None

    try:
        wait_for_stop()
    finally:
        click.echo("Stopping: draining event deliveries...")
        handle.stop()
        if view is not None:
            view.close()
        click.echo("Stopped.")


SQLITE_HEADER = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite database file


def db_problem(db: str) -> str | None:
    """Why ``--db`` cannot be used (a folder, a missing folder, a file that is not SQLite), or None."""
    if db == ":memory:" or db.startswith("file:"):
        return None
    path = Path(db)
    if path.is_dir():
        return f"--db '{db}' is a folder; --db takes a SQLite database file (created if missing), e.g. " \
               f"--db {path / 'org.db'}."
    if not path.parent.is_dir():
        return f"--db '{db}': the folder '{path.parent}' does not exist. Create it first or pick another path."
    if path.is_file():
        try:
            with path.open("rb") as handle:
                head = handle.read(len(SQLITE_HEADER))
        except OSError as exc:
            return f"--db '{db}' cannot be read: {exc.strerror or exc}."
        if head and head != SQLITE_HEADER:
            return f"--db '{db}' is not a SQLite database. Pass a database file okta-hooks serve created, " \
                   "or a new path."
    return None


def port_problem(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be listened on (taken by another program, an address not of this machine), or
    None. Checked before starting, because the web server would print its own lines and exit 1."""
    if port == 0:
        return None
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET  # as the web server picks it
        family, _type, _proto, _name, address = socket.getaddrinfo(host, port, family, socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        return f"--host {host}: {exc.strerror}. Bind an address of this machine (127.0.0.1 by default)."
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the web server binds
            probe.bind(address)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            return f"Port {port} on {host} is already in use by another program. Pick another --port " \
                   "(0 = any free port)."
        return f"Cannot listen on {host} port {port}: {exc.strerror or exc}."
    return None


def _fail_usage(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(2)


def _warn_exposed(host: str, allowed_hosts: tuple[str, ...]) -> None:
    """A loud warning on stderr when the server is reachable beyond this machine."""
    from ..server.hosts import WILDCARD_BINDS

    where = "on EVERY network interface" if host in WILDCARD_BINDS else f"on {host}"
    bar = "!" * 78
    click.echo("\n".join([
        bar,
        f"WARNING: listening {where}: anyone who can reach this port can try the API and the dashboard.",
        "  The API needs the API token and the dashboard needs the dashboard token printed below; both grant",
        "  full control (registering hooks, sending events with your hook secrets). Bind 127.0.0.1 unless you",
        "  must, and only on a network you trust.",
        "  Only these Host names are answered: loopback, the bind address"
        + (f", {', '.join(allowed_hosts)}" if allowed_hosts else "") + " (add more with --allowed-host).",
        bar,
    ]), err=True)
