"""Each simulated user of a load run is one person of the synthetic org: the requests the payload factory
generates (which draw a person at random) are rewritten so that the person they name is the user's own.

Free of Locust. The rewrite swaps every trace of the drawn person (id, also inside URLs; login; names) with the
chosen person's, both ways, so a request that names both stays consistent."""

from __future__ import annotations

import json
from typing import Any

from .. import wire_json
from ..payloads.org import OrgUser, SyntheticOrg


def person_for(org: SyntheticOrg, number: int) -> OrgUser:
    """The person simulated user ``number`` plays (the org's users in turn)."""
    return org.users[number % len(org.users)]


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _pairs(drawn: OrgUser, person: OrgUser) -> list[tuple[str, str]]:
    """(drawn form, person's form) of every value that names a person, longest first; ids also inside URLs."""
    pairs = [(drawn.id, person.id)]
    for a, b in ((drawn.login, person.login), (drawn.display_name, person.display_name),
                 (drawn.first_name, person.first_name), (drawn.last_name, person.last_name)):
        if a != b:
            pairs.append((_quoted(a), _quoted(b)))
    return pairs


def as_person(request: dict, org: SyntheticOrg, person: OrgUser) -> dict:
    """``request`` with the org user it names (the first whose id appears) swapped for ``person``. A request that
    names no org user (e.g. client credentials, a registration by a newcomer) is returned unchanged."""
    text = wire_json.dumps(request).decode("utf-8")
    drawn = next((u for u in org.users if u.id in text), None)
    if drawn is None or drawn.id == person.id:
        return request
    pairs = _pairs(drawn, person)
    for n, (a, _b) in enumerate(pairs):  # drawn -> placeholder, person -> drawn, placeholder -> person
        text = text.replace(a, f"\x00{n}\x00")
    for a, b in pairs:
        text = text.replace(b, a)
    for n, (_a, b) in enumerate(pairs):
        text = text.replace(f"\x00{n}\x00", b)
    result: Any = wire_json.loads(text)
    return result
