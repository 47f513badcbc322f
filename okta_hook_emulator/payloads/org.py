"""A synthetic Okta org: a Faker provider builds one ``SyntheticOrg`` (users, groups, apps, authorization
servers, policies, hooks, clients) from a seeded Faker, so generated events and inline requests draw their actors
and targets from the same recurring people and objects."""

from __future__ import annotations

import re
from dataclasses import dataclass

from faker.providers import BaseProvider

# Okta object ids: 20 characters, a 3-character type prefix, then [0-9A-Za-z]; the last 3 characters are the
# same for every object of one org (the "cell" suffix, e.g. ``0g3`` / ``1d6`` in Okta's samples).
ID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
URLSAFE_ALPHABET = ID_ALPHABET + "-_"
OKTA_ID_LENGTH = 20


@dataclass(frozen=True)
class OrgUser:
    """One Okta user of the synthetic org."""

    id: str
    login: str
    first_name: str
    last_name: str
    locale: str
    time_zone: str
    mobile_phone: str  # E.164
    password_changed_days: int  # days before "now"
    employee_number: str

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def email(self) -> str:
        return self.login


@dataclass(frozen=True)
class OrgGroup:
    id: str
    name: str
    description: str


@dataclass(frozen=True)
class OrgApp:
    """An app instance. ``sign_on_mode`` is ``OPENID_CONNECT`` or ``SAML_2_0``."""

    id: str
    name: str  # Okta's app name, e.g. ``acme_portal_1``
    label: str
    sign_on_mode: str
    host: str  # the customer's own host for redirect / ACS URLs
    client_type: str = "CONFIDENTIAL"
    entity_id: str = ""  # SAML ``exk...`` id


@dataclass(frozen=True)
class OrgAuthServer:
    id: str
    name: str
    path: str  # URL segment: ``default`` for the default server, else the id
    audience: str
    policy_id: str
    rule_id: str
    scopes: tuple[tuple[str, str], ...]  # (scope name, scp id)


@dataclass(frozen=True)
class OrgPolicy:
    id: str
    name: str
    type: str
    rules: tuple[tuple[str, str], ...]  # (rule id, rule name)


@dataclass(frozen=True)
class OrgClient:
    """Where requests come from: user agent, device class, IP address and its geography."""

    raw_user_agent: str
    os: str
    browser: str
    device: str
    ip: str
    city: str
    state: str
    country: str
    postal_code: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Person:
    """Someone not yet in the org (a self-service registrant or an imported user)."""

    first_name: str
    last_name: str
    login: str
    user_name: str
    external_id: str


@dataclass(frozen=True)
class SyntheticOrg:
    """Everything generated payloads refer to. Immutable; rebuild with a new seed for a new org."""

    name: str
    domain: str  # ``dev-12345678.okta.com``
    email_domain: str
    cell: str  # the 3-character id suffix of this org
    users: tuple[OrgUser, ...]
    admins: tuple[OrgUser, ...]
    groups: tuple[OrgGroup, ...]
    apps: tuple[OrgApp, ...]
    admin_console: OrgApp
    auth_servers: tuple[OrgAuthServer, ...]
    policies: tuple[OrgPolicy, ...]
    event_hook_ids: tuple[str, ...]
    inline_hook_ids: tuple[tuple[str, str], ...]  # (kind, cal id)
    registration_id: str
    okta_idp_id: str
    idps: tuple[tuple[str, str, str], ...]  # (id, name, type)
    devices: tuple[tuple[str, str], ...]  # (id, displayName)
    authenticators: tuple[tuple[str, str], ...]  # (enrollment id prefix, displayName)
    clients: tuple[OrgClient, ...]
    prospects: tuple[Person, ...]
    words: tuple[str, ...]

    @property
    def url(self) -> str:
        return f"https://{self.domain}"

    @property
    def oidc_apps(self) -> tuple[OrgApp, ...]:
        return tuple(a for a in self.apps if a.sign_on_mode == "OPENID_CONNECT")

    @property
    def saml_apps(self) -> tuple[OrgApp, ...]:
        return tuple(a for a in self.apps if a.sign_on_mode == "SAML_2_0")

    def inline_hook_id(self, kind: str) -> str:
        """The synthetic ``cal...`` id of the org's inline hook of ``kind``."""
        for k, hook_id in self.inline_hook_ids:
            if k == kind:
                return hook_id
        raise KeyError(kind)


# (raw user agent, os, browser, device) as Okta's System Log parses them.
USER_AGENTS: tuple[tuple[str, str, str, str], ...] = (
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/124.0.0.0 Safari/537.36", "Mac OS X", "CHROME", "Computer"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/124.0.0.0 Safari/537.36", "Windows 10", "CHROME", "Computer"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80", "Windows 10", "EDGE_CHROMIUM", "Computer"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.4.1 Safari/605.1.15", "Mac OS X", "SAFARI", "Computer"),
    ("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0", "Linux", "FIREFOX",
     "Computer"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.4 Mobile/15E148 Safari/604.1", "iOS", "MOBILE SAFARI", "Mobile"),
    ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/124.0.6367.82 Mobile Safari/537.36", "Android", "CHROME", "Mobile"),
)
LOCALES = ("en_US", "en_US", "en_US", "en_GB", "fr_FR", "de_DE", "es_ES")
TIME_ZONES = ("America/Los_Angeles", "America/New_York", "America/Chicago", "America/Denver", "Europe/London",
              "Europe/Paris", "Europe/Berlin")
GROUP_NAMES = ("Engineering", "Sales", "Marketing", "Finance", "Human Resources", "Support", "Contractors",
               "Executives", "IT Admins", "Everyone-Remote")
APP_LABELS = (("Customer Portal", "OPENID_CONNECT"), ("Expense Tracker", "OPENID_CONNECT"),
              ("Partner API", "OPENID_CONNECT"), ("HR Intranet", "SAML_2_0"), ("Wiki", "SAML_2_0"),
              ("Analytics Dashboard", "SAML_2_0"))
POLICY_SPECS = (("Default Policy", "OKTA_SIGN_ON"), ("Password Policy", "PASSWORD"),
                ("MFA Enrollment Policy", "MFA_ENROLL"), ("Default Access Policy", "ACCESS_POLICY"),
                ("Profile Enrollment", "PROFILE_ENROLLMENT"))
AUTHENTICATORS = (("lae", "Password"), ("pfd", "Okta Verify"), ("sms", "Phone"), ("eml", "Email"),
                  ("fwf", "Security Key or Biometric"))
HOOK_KINDS = ("token", "saml", "registration", "import", "password-import", "telephony")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


class OktaOrgProvider(BaseProvider):
    """Faker provider for Okta-looking ids and a whole synthetic org. Seed with ``faker.seed_instance(seed)``."""

    def okta_cell(self) -> str:
        """The 3-character id suffix shared by one org's objects (``0g3``-like)."""
        r = self.generator.random
        return f"{r.randint(0, 1)}{r.choice('abcdefghijklmnopqrstuvwxyz')}{r.randint(1, 9)}"

    def okta_id(self, prefix: str, cell: str = "0g3") -> str:
        """A 20-character Okta id: ``prefix`` + random [0-9A-Za-z] + ``cell``."""
        n = OKTA_ID_LENGTH - len(prefix) - len(cell)
        return prefix + "".join(self.generator.random.choices(ID_ALPHABET, k=n)) + cell

    def okta_org_domain(self) -> str:
        """``dev-12345678.okta.com``."""
        return f"dev-{self.generator.random.randint(10_000_000, 99_999_999)}.okta.com"

    def okta_client(self) -> OrgClient:
        """A client (browser + IP + geography)."""
        g = self.generator
        ua, os_, browser, device = g.random.choice(USER_AGENTS)
        lat, lon, place, _, _ = g.local_latlng(country_code="US")
        return OrgClient(raw_user_agent=ua, os=os_, browser=browser, device=device, ip=g.ipv4_public(),
                         city=place, state=g.state(), country="United States", postal_code=g.postcode(),
                         lat=round(float(lat), 4), lon=round(float(lon), 4))

    def synthetic_org(self, users: int = 40, groups: int = 8, clients: int = 12, prospects: int = 16) -> SyntheticOrg:
        """Build one org. All randomness comes from this Faker instance's seeded generator."""
        g = self.generator
        r = g.random
        cell = self.okta_cell()
        company = g.company()
        email_domain = _slug(company.split(",")[0].split(" ")[0]) + r.choice((".com", ".io", ".net", ".org"))

        def oid(prefix: str) -> str:
            return self.okta_id(prefix, cell)

        seen: set[str] = set()

        def person_names() -> tuple[str, str, str]:
            while True:
                first, last = g.first_name(), g.last_name()
                login = f"{_slug(first)}.{_slug(last)}@{email_domain}"
                if login not in seen:
                    seen.add(login)
                    return first, last, login

        user_list = []
        for _ in range(users):
            first, last, login = person_names()
            user_list.append(OrgUser(
                id=oid("00u"), login=login, first_name=first, last_name=last, locale=r.choice(LOCALES),
                time_zone=r.choice(TIME_ZONES), mobile_phone=f"+1{r.randint(2012000000, 9899999999)}",
                password_changed_days=r.randint(1, 200), employee_number=str(r.randint(1000, 99999)),
            ))
        group_list = [OrgGroup(id=oid("00g"), name=name, description=f"{name} team")
                      for name in r.sample(GROUP_NAMES, k=min(groups, len(GROUP_NAMES)))]
        org_slug = _slug(company.split(" ")[0])[:12] or "org"
        app_list = []
        for i, (label, mode) in enumerate(APP_LABELS, start=1):
            host = f"{_slug(label)[:10]}.{email_domain}"
            saml = mode == "SAML_2_0"
            app_list.append(OrgApp(
                id=oid("0oa"), name=f"{org_slug}_{_slug(label)}_{i}" if saml else "oidc_client", label=label,
                sign_on_mode=mode, host=host, client_type="PUBLIC" if label == "Customer Portal" else "CONFIDENTIAL",
                entity_id=oid("exk") if saml else "",
            ))
        admin_console = OrgApp(id=oid("0oa"), name="saasure", label="Okta Admin Console",
                               sign_on_mode="OPENID_CONNECT", host=f"{org_slug}-admin.okta.com")
        auth_servers = []
        for path, name, audience in (("default", "default", "api://default"), (None, "Partner API", "api://partner")):
            as_id = oid("aus")
            scopes = [(s, oid("scp")) for s in ("openid", "profile", "email", "address", "phone", "offline_access")]
            if name != "default":
                scopes += [(s, oid("scp")) for s in ("partner:read", "partner:write")]
            auth_servers.append(OrgAuthServer(id=as_id, name=name, path=path or as_id, audience=audience,
                                              policy_id=oid("00p"), rule_id=oid("0pr"), scopes=tuple(scopes)))
        policies = tuple(
            OrgPolicy(id=oid("00p"), name=name, type=ptype,
                      rules=tuple((oid("0pr"), rule) for rule in ("Default Rule", f"{name} rule for contractors")))
            for name, ptype in POLICY_SPECS
        )
        people = []
        for _ in range(prospects):
            first, last, login = person_names()
            people.append(Person(first_name=first, last_name=last, login=login,
                                 user_name=f"{_slug(first)[:1]}{_slug(last)}{r.randint(1, 99)}",
                                 external_id=f"user{r.randint(100, 99999)}"))
        words = tuple(dict.fromkeys(w.capitalize() for w in g.words(nb=24)))
        return SyntheticOrg(
            name=company,
            domain=self.okta_org_domain(),
            email_domain=email_domain,
            cell=cell,
            users=tuple(user_list),
            admins=tuple(user_list[:2]),
            groups=tuple(group_list),
            apps=tuple(app_list),
            admin_console=admin_console,
            auth_servers=tuple(auth_servers),
            policies=policies,
            event_hook_ids=tuple(oid("who") for _ in range(3)),
            inline_hook_ids=tuple((k, oid("cal")) for k in HOOK_KINDS),
            registration_id=oid("reg"),
            okta_idp_id=oid("00o"),
            idps=((oid("0oa"), "Google", "GOOGLE"), (oid("0oa"), "Corporate SAML IdP", "SAML2")),
            devices=tuple((oid("guo"), name) for name in ("MacBook Pro", "ThinkPad X1", "iPhone 15", "Pixel 8")),
            authenticators=AUTHENTICATORS,
            clients=tuple(self.okta_client() for _ in range(clients)),
            prospects=tuple(people),
            words=words,
        )
