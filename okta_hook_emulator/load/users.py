"""Locust User classes that play Okta: every request comes from the emulator core (seeded payloads, Okta's
headers, auth header, time budget and retry rules), travels through geventhttpclient (``transport.py``, the
client under Locust's ``FastHttpUser``), and the core judges every answer (``Emulator.prepare_inline`` ->
``Emulator.deliver`` -> ``Emulator.judge_inline``); each judged call is reported to Locust, a verdict other than
ok as a Locust failure named after its reason.

Importing this module imports Locust (which patches the process with gevent): only locustfiles import it."""

from __future__ import annotations

import random
from typing import Any

from locust import User, task
from locust.runners import WorkerRunner
from locust.user.wait_time import constant_throughput

from ..emulator.core import Emulator
from ..emulator.results import VERDICT_FAILED, VERDICT_OK, InlineResult
from ..emulator.transport import HookChannel
from ..errors import EmulatorUsageError
from .people import person_for
from .tally import Call, failure_name, judged_call, within_budget
from .transport import GeventTransport

DEFAULT_EVENT_TYPES = ("user.session.start", "user.authentication.sso", "user.lifecycle.create")


def _option(user: User, name: str, default: Any) -> Any:
    """A ``--okta-*`` command-line option when given, else the class attribute ``default``."""
    options = user.environment.parsed_options
    value = getattr(options, f"okta_{name}", None) if options is not None else None
    return default if value is None else value


class OktaHookUser(User):
    """Base of the Okta users: one simulated user is one person of the seeded synthetic org, with its own
    emulator (payload stream seeded by the seed, the worker and the user's number) and its own keep-alive
    connection (:class:`~okta_hook_emulator.load.transport.GeventTransport`).

    Class attributes are the defaults of the ``--okta-*`` options (which win when given): ``seed``, ``timeout``
    (seconds per attempt; ``None`` = Okta's 3 s), ``auth_header`` (``(name, value)``), ``user_rate`` (calls per
    second per user; ``None`` = as fast as the hook answers). ``host`` is the hook URL."""

    abstract = True
    kind = "token"
    seed: int = 0
    timeout: float | None = None
    auth_header: tuple[str, str] | None = None
    user_rate: float | None = None

    def __init__(self, environment: Any) -> None:
        super().__init__(environment)
        from .plugin import load_run

        self.load_run = load_run(environment)
        self.number = self.load_run.next_user_number()
        runner = environment.runner
        self.worker = runner.client_id if isinstance(runner, WorkerRunner) else "local"
        worker_index = getattr(runner, "worker_index", 0) if isinstance(runner, WorkerRunner) else 0
        seed = int(_option(self, "seed", self.seed))
        self.emulator = Emulator(seed=seed, org=self.load_run.org(seed))
        # The org (and so the people) is the seed's; each user draws its requests from its own seeded stream.
        stream = f"okta-hook-emulator:{seed}:load:{worker_index}:{self.number}"
        self.emulator.payloads.random = random.Random(stream)
        self.emulator.rng = random.Random(stream + ":rng")
        self.person = person_for(self.emulator.payloads.org, worker_index * 1000 + self.number)
        timeout = _option(self, "timeout", self.timeout)
        self.policy_overrides: dict[str, Any] = {} if timeout is None else {"timeout": float(timeout)}
        header = _option(self, "auth_header", self.auth_header)
        if isinstance(header, str):
            name, sep, value = header.partition(":")
            if not sep:
                raise EmulatorUsageError(f"--okta-auth-header must be 'Name: value', got {header!r}.")
            header = (name.strip(), value.strip())
        self.channel_header: tuple[str, str] | None = header
        rate = _option(self, "user_rate", self.user_rate)
        self._pace = constant_throughput(float(rate)) if rate else None
        self.transport = GeventTransport()
        self._channel: HookChannel | None = None

    @property
    def channel(self) -> HookChannel:
        """The hook's channel (``host`` and the auth header), built on first use."""
        if self._channel is None:
            self._channel = self.emulator.channel(self.host, self.channel_header)
        return self._channel

    def wait_time(self) -> float:
        """Paced to ``user_rate`` calls per second (Locust's constant throughput), else no wait."""
        return self._pace(self) if self._pace is not None else 0.0

    def on_stop(self) -> None:
        self.transport.close()
        self.emulator.close()

    def report(self, kind: str, call: Call, response_time_ms: float, response_length: int) -> None:
        """Report one judged call to Locust (failure named after the reason) and to this run's tally."""
        self.load_run.tally.add(call, self.worker)
        self.environment.events.request.fire(
            request_type=kind, name=self.request_name(), response_time=response_time_ms,
            response_length=response_length, exception=None if call.reason is None else HookFailure(call.reason),
            context={"okta_verdict": call.verdict, "okta_outcome": call.outcome})

    def request_name(self) -> str:
        """The name Locust groups this user's calls under (its kind)."""
        return self.kind


class HookFailure(Exception):
    """A call Okta would not count as ok; its message (the reason) is the Locust failure name."""


class InlineHookUser(OktaHookUser):
    """Calls an inline hook of ``kind`` (token, saml, registration, import, password-import, telephony) with a
    seeded request naming this user's person, and reports Okta's verdict."""

    abstract = True
    request_type: str | None = None
    variant: str | None = None

    @task
    def call_hook(self) -> None:
        """One inline hook call, judged."""
        emulator = self.emulator
        call = emulator.prepare_inline(self.kind, self.channel, request_type=self.request_type,
                                       variant=self.variant, user=self.person, **self.policy_overrides)
        result: InlineResult = emulator.judge_inline(call, emulator.deliver(call.http, self.transport.send))
        delivery = result.delivery
        response = delivery.attempts[-1].response
        self.report(self.kind, judged_call(self.kind, result.verdict, delivery, result.reason, result.problems),
                    result.elapsed_ms, response.size if response else 0)


class TokenHookUser(InlineHookUser):
    """Token inline hook calls (``com.okta.oauth2.tokens.transform``): one per sign-in of this user's person."""

    abstract = False
    kind = "token"
    weight = 4  # in a mix (Locust's class weights): sign-ins outnumber the other calls


class SamlHookUser(InlineHookUser):
    """SAML assertion inline hook calls."""

    abstract = False
    kind = "saml"


class RegistrationHookUser(InlineHookUser):
    """Registration inline hook calls."""

    abstract = False
    kind = "registration"


class EventHookUser(OktaHookUser):
    """Event hook deliveries: each task POSTs one ``com.okta.event_hook`` envelope of ``batch_size`` events
    (Okta batches up to 50) whose actor is this user's person, judged by Okta's acceptance rule."""

    abstract = False
    kind = "event"
    weight = 2
    batch_size: int = 1
    event_types: tuple[str, ...] = DEFAULT_EVENT_TYPES

    @task
    def deliver(self) -> None:
        """One event delivery POST (one batch), judged."""
        size = int(_option(self, "batch_size", self.batch_size))
        types = _option(self, "event_types", None) or self.event_types
        if isinstance(types, str):
            types = [t.strip() for t in types.split(",") if t.strip()]
        emulator = self.emulator
        events = [emulator.payloads.log_event(types[n % len(types)], user=self.person) for n in range(size)]
        envelope, prepared = emulator.prepare_event_delivery(self.channel, events, **self.policy_overrides)
        batch = emulator.judge_event_delivery(envelope, prepared, emulator.deliver(prepared, self.transport.send))
        delivery = batch.delivery
        verdict = VERDICT_OK if batch.accepted else VERDICT_FAILED
        reason = None if batch.accepted else failure_name(verdict, delivery, batch.note)
        response = delivery.final.response
        self.report("event", Call("event", verdict, reason, None, within_budget(delivery)),
                    sum(a.elapsed_ms for a in delivery.attempts), response.size if response else 0)
