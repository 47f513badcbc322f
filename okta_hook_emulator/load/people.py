"""Each simulated user of a load run is one person of the synthetic org: the user's requests are generated for
that person (the payload factory's ``user=`` override). Free of Locust."""

from __future__ import annotations

from ..payloads.org import OrgUser, SyntheticOrg


def person_for(org: SyntheticOrg, number: int) -> OrgUser:
    """The person simulated user ``number`` plays (the org's users in turn)."""
    return org.users[number % len(org.users)]
