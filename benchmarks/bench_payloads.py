"""Benchmark: our seeded LogEvent generator vs a naive Faker-per-field generator of the same shape.

    .venv/bin/python benchmarks/bench_payloads.py [N]

Prints both rates, inline requests per second, and the ratio on the last line (goal >= 5x).
"""

from __future__ import annotations

import sys
import time
from typing import Any

from faker import Faker

from okta_hook_emulator.payloads.catalog import INLINE_KINDS
from okta_hook_emulator.payloads.generate import PayloadFactory

GOAL = 5.0
TYPES = ["user.session.start", "user.lifecycle.create", "group.user_membership.add",
         "application.user_membership.add", "policy.rule.update", "user.authentication.sso"]


def naive_event(fake: Faker, event_type: str) -> dict[str, Any]:
    """The same LogEvent shape, calling Faker for every field (what a straightforward generator does)."""
    geo = {"city": fake.city(), "state": fake.state(), "country": fake.country(), "postalCode": fake.postcode(),
           "geolocation": {"lat": float(fake.latitude()), "lon": float(fake.longitude())}}
    ip = fake.ipv4()
    return {
        "uuid": fake.uuid4(),
        "published": fake.date_time().isoformat(),
        "eventType": event_type,
        "version": "0",
        "displayMessage": fake.sentence(),
        "severity": fake.random_element(("INFO", "WARN")),
        "client": {"userAgent": {"rawUserAgent": fake.user_agent(), "os": fake.random_element(("Mac OS X", "Linux")),
                                 "browser": fake.random_element(("CHROME", "FIREFOX"))},
                   "zone": "null", "device": "Computer", "id": None, "ipAddress": ip, "geographicalContext": geo,
                   "ipChain": [{"ip": ip, "geographicalContext": geo, "version": "V4", "source": None}]},
        "device": None,
        "actor": {"id": "00u" + fake.pystr(min_chars=17, max_chars=17), "type": "User", "alternateId": fake.email(),
                  "displayName": fake.name(), "detailEntry": None},
        "outcome": {"result": "SUCCESS", "reason": None},
        "target": [{"id": "00u" + fake.pystr(min_chars=17, max_chars=17), "type": "User",
                    "alternateId": fake.email(), "displayName": fake.name(), "detailEntry": None},
                   {"id": "00g" + fake.pystr(min_chars=17, max_chars=17), "type": "UserGroup",
                    "alternateId": "unknown", "displayName": fake.word(), "detailEntry": None}],
        "transaction": {"type": "WEB", "id": fake.pystr(min_chars=27, max_chars=27), "detail": {}},
        "debugContext": {"debugData": {"requestId": fake.pystr(min_chars=27, max_chars=27),
                                       "requestUri": fake.uri_path(), "url": fake.uri_path()}},
        "legacyEventType": None,
        "authenticationContext": {"authenticationProvider": None, "credentialProvider": None, "credentialType": None,
                                  "issuer": None, "authenticationStep": 0,
                                  "externalSessionId": fake.pystr(min_chars=25, max_chars=25), "interface": None},
        "securityContext": {"asNumber": None, "asOrg": None, "isp": None, "domain": None, "isProxy": None},
        "request": {"ipChain": [{"ip": ip, "geographicalContext": geo, "version": "V4", "source": None}]},
        "insertionTimestamp": None,
    }


def main(n: int = 20_000) -> float:
    factory = PayloadFactory(seed=1)
    t0 = time.perf_counter()
    ours = factory.log_events(TYPES, n)
    t_ours = time.perf_counter() - t0

    fake = Faker("en_US")
    fake.seed_instance(1)
    t0 = time.perf_counter()
    naive = [naive_event(fake, TYPES[i % len(TYPES)]) for i in range(n)]
    t_naive = time.perf_counter() - t0
    assert len(ours) == len(naive) == n

    m = max(1, n // 10)
    t0 = time.perf_counter()
    for i in range(m):
        factory.inline_request(INLINE_KINDS[i % len(INLINE_KINDS)])
    t_inline = time.perf_counter() - t0

    ours_rate, naive_rate = n / t_ours, n / t_naive
    ratio = ours_rate / naive_rate
    print(f"events: {n}")
    print(f"ours:  {ours_rate:,.0f} LogEvents/s ({t_ours:.2f} s)")
    print(f"naive: {naive_rate:,.0f} LogEvents/s ({t_naive:.2f} s)")
    print(f"inline requests: {m / t_inline:,.0f}/s ({m} across {', '.join(INLINE_KINDS)})")
    print(f"ratio ours/naive: {ratio:.1f}x (goal >= {GOAL:g}): {'met' if ratio >= GOAL else 'NOT met'}")
    return ratio


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
