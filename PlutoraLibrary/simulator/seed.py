"""Deterministic seed data: the same seed always yields the same site.

The data is large enough to page through (260 releases, 300 changes, 1,000 defects) and
covers every release type, every status (end states included), parent/child releases,
every stack layer and both date styles the real API sends. Records are built with every
field of the contract's detail schema (``Release``, ``Change``, ``Environment``, ``System``…).

Fields added after the first seeds (environment lookups, system flags, custom fields of
systems, change assignees, stakeholders' roles) are drawn after everything else, so that a
seed still gives the same releases, changes, defects, ids and names as before.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar

Record = dict[str, Any]
T = TypeVar("T")

ANCHOR = datetime(2026, 1, 1, 9, 0, 0, tzinfo=timezone.utc)

#: Lookup types, their description and their values in sort order.
LOOKUP_VALUES: dict[str, tuple[str, list[str]]] = {
    "ReleaseStatusType": (
        "Status of a release",
        ["Draft", "Active", "In Progress", "Complete", "Cancelled"],
    ),
    "ReleaseType": ("Type of a release", ["Major", "Minor", "Patch", "Emergency", "Maintenance"]),
    "ReleaseRiskLevel": ("Risk level of a release", ["Low", "Medium", "High", "Critical"]),
    "ChangeStatus": (
        "Status of a change",
        ["New", "Approved", "In Progress", "Deployed", "Closed", "Rejected", "N/A"],
    ),
    "ChangePriority": ("Priority of a change", ["Low", "Medium", "High", "Critical", "N/A"]),
    "ChangeType": ("Type of a change", ["Enhancement", "Defect Fix", "Regulatory", "Tech Debt"]),
    "ChangeDeliveryRisk": ("Delivery risk of a change", ["Low", "Medium", "High"]),
    "ChangeTheme": (
        "Theme of a change",
        ["Customer Experience", "Compliance", "Performance", "Security"],
    ),
    "StackLayer": (
        "Stack layer of an environment component",
        ["Application", "Database", "Middleware", "Network", "Operating System"],
    ),
}
#: Lookup types added with issue 13 (the REST API Primer, CSV-proj-import.js, jira-plutora.js
#: and the vendor's Cypress suite read them); the primer's own values come first ("Dev",
#: "Active", "HTTPS").
LATER_LOOKUP_VALUES: dict[str, tuple[str, list[str]]] = {
    "UsedForWorkItem": (
        "What an environment is used for",
        ["Dev", "SIT", "UAT", "Performance", "Staging", "DR", "Production"],
    ),
    "EnvironmentStatus": (
        "Status of an environment",
        ["Active", "Standby", "Inactive", "Decommissioned"],
    ),
    "EnvironmentMapConnectivityType": (
        "How two environments of an environment map connect",
        ["HTTPS", "HTTP", "TCP", "JDBC", "SOAP", "SFTP"],
    ),
    "StakeholderRole": (
        "Role of a stakeholder",
        ["Business Owner", "Release Manager", "Project Manager", "Developer", "Tester"],
    ),
    "SystemRoleDependencyType": (
        "How a system takes part in a release",
        ["Code Implementation", "Interface Change", "Testing Support", "No Change"],
    ),
}
LOOKUP_VALUES.update(LATER_LOOKUP_VALUES)
#: Release statuses that are end states on the seeded site: a release in one cannot be POSTed.
#: Only the releases backend knows it; no answer of the API says which statuses these are.
END_STATE_STATUSES = frozenset({"Complete", "Cancelled"})
#: The environment names of the seed, each with what it is used for.
_USED_FOR = {
    "DEV": "Dev", "SIT": "SIT", "UAT": "UAT", "PERF": "Performance", "STAGING": "Staging",
    "DR": "DR", "PROD": "Production",
}  # fmt: skip

DEFECT_STATUSES = ["New", "Open", "In Progress", "Resolved", "Closed", "Reopened"]
DEFECT_PRIORITIES = ["Low", "Medium", "High", "Critical"]
DEFECT_SEVERITIES = ["Trivial", "Minor", "Major", "Critical"]

_PEOPLE = [
    "Avery Chen", "Blake Okafor", "Casey Romero", "Devon Patel", "Emery Novak", "Finley Hart",
    "Gray Ito", "Harper Silva", "Indigo Berg", "Jordan Mbeki", "Kai Laurent", "Logan Reyes",
    "Morgan Kowalski", "Noel Andersen", "Oakley Haddad", "Parker Lindqvist", "Quinn Moreau",
    "Reese Tanaka", "Sage Oduya", "Taylor Brennan",
]  # fmt: skip
_SYSTEMS = [
    ("Customer Portal", "In-house"), ("Billing Engine", "Oracle"), ("Payments Gateway", "Stripe"),
    ("CRM", "Salesforce"), ("Data Warehouse", "Snowflake"), ("Mobile App", "In-house"),
    ("Identity Service", "Okta"), ("Order Management", "SAP"), ("Inventory", "SAP"),
    ("Notification Hub", "Twilio"), ("Reporting", "Tableau"), ("Search", "Elastic"),
    ("HR Portal", "Workday"), ("Claims", "Guidewire"), ("Pricing", "In-house"),
]  # fmt: skip
_ORGANIZATIONS = [
    ("Acme Holdings", "Company"), ("Retail Banking", "Division"), ("Digital Channels", "Division"),
    ("Platform Engineering", "Department"), ("Finance IT", "Department"),
    ("Quality Engineering", "Department"),
]  # fmt: skip
_CHANGE_VERBS = ["Add", "Improve", "Fix", "Retire", "Migrate", "Harden", "Automate", "Redesign"]
_CHANGE_OBJECTS = [
    "login throttling", "invoice export", "card tokenisation", "address lookup",
    "audit trail", "batch scheduler", "password reset", "consent banner", "rate cards",
    "session timeout", "search ranking", "PDF statements", "push notifications",
]  # fmt: skip
_DEFECT_SYMPTOMS = [
    "crashes when", "shows a blank page after", "returns 500 on", "rounds totals wrongly in",
    "times out during", "loses the draft on", "logs a stack trace on", "double-charges on",
]  # fmt: skip
_DEFECT_CONTEXTS = [
    "checkout", "month-end close", "profile update", "CSV import", "bulk approval",
    "currency switch", "offline sync", "password change", "report export",
]  # fmt: skip
_ENVIRONMENTS = ["DEV1", "DEV2", "SIT1", "SIT2", "UAT1", "UAT2", "PERF", "STAGING", "DR", "PROD"]
_COMPONENTS = {
    "Application": ["portal-web", "billing-api", "orders-svc", "auth-svc"],
    "Database": ["PostgreSQL", "Oracle DB", "SQL Server"],
    "Middleware": ["Kafka", "RabbitMQ", "IBM MQ", "Tomcat"],
    "Network": ["F5 BIG-IP", "nginx ingress", "Cisco ASA"],
    "Operating System": ["RHEL", "Ubuntu Server", "Windows Server"],
}


def iso_plain(moment: datetime) -> str:
    """``2016-12-31T00:00:00``: no offset, no fraction (one of the API's two date styles).

    Example: ``iso_plain(ANCHOR)`` is ``"2026-01-01T09:00:00"``.
    """
    # isoformat of the wall-clock fields: strftime's text, several times faster.
    return moment.replace(tzinfo=None).isoformat(timespec="seconds")


def iso_precise(moment: datetime) -> str:
    """``2017-01-09T03:17:38.9137257+00:00``: seven-digit fraction and offset.

    Example: ``iso_precise(ANCHOR)`` is ``"2026-01-01T09:00:00.0000007+00:00"``.
    """
    return moment.replace(tzinfo=None).isoformat(timespec="microseconds") + "7+00:00"


def _guid_text(bits: int) -> str:
    """``str(uuid.UUID(int=bits, version=4))``, without building the UUID (start-up at scale)."""
    bits = (bits & ~(0xC000 << 48) | 0x8000 << 48) & ~(0xF000 << 64) | 4 << 76
    text = f"{bits:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


@dataclass
class SeedData:
    """Every collection of a freshly seeded site, keyed by lower-case id in creation order."""

    lookups: dict[str, list[Record]] = field(default_factory=dict)
    people: list[Record] = field(default_factory=list)
    organizations: dict[str, Record] = field(default_factory=dict)
    systems: dict[str, Record] = field(default_factory=dict)
    releases: dict[str, Record] = field(default_factory=dict)
    changes: dict[str, Record] = field(default_factory=dict)
    environments: dict[str, Record] = field(default_factory=dict)
    hosts: dict[str, Record] = field(default_factory=dict)
    layers: dict[str, Record] = field(default_factory=dict)
    defects: dict[str, Record] = field(default_factory=dict)
    #: Plutora Test beyond defects (issue 19), drawn from a generator of their own so that
    #: every collection above stays exactly as it was (the seed fingerprint test).
    test_lookups: dict[str, list[Record]] = field(default_factory=dict)
    requirements: dict[str, Record] = field(default_factory=dict)
    test_cases: dict[str, Record] = field(default_factory=dict)
    test_plans: dict[str, Record] = field(default_factory=dict)
    category_settings: dict[str, Record] = field(default_factory=dict)


#: The collections issue 19 added; the fingerprint of a seed's older collections leaves them out.
TEST_MANAGEMENT_COLLECTIONS = (
    "test_lookups", "requirements", "test_cases", "test_plans", "category_settings",
)  # fmt: skip


class _Builder:
    """Builds one site from one random generator: every draw happens in a fixed order, so a
    new field is drawn in a step after the others (see :meth:`build`) and a seed's earlier
    records stay as they were. Example: ``_Builder(7).build().releases``."""

    def __init__(
        self, seed: int, defect_count: int = 1000, release_count: int = 260, change_count: int = 300
    ) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        #: ``rng.choice``, the same draws for less time (see :class:`_Chooser`).
        self.choose = _Chooser(self.rng)
        self._organizations: list[Record] = []
        self.defect_count = defect_count
        self.release_count = release_count
        self.change_count = change_count
        self.data = SeedData()

    def guid(self) -> str:
        """A version-4 GUID from the seed's generator (not ``uuid4``: the same seed, the same
        ids). Example: ``"3f2a7c1e-…"``."""
        return _guid_text(self.rng.getrandbits(128))

    def integer(self, lowest: int, highest: int) -> int:
        """``rng.randint(lowest, highest)``: the same draw, for less time. Example:
        ``self.integer(100, 999)``."""
        return self.choose(range(lowest, highest + 1))

    def moment(self, days_before: int, days_after: int) -> datetime:
        """A moment up to ``days_before`` before and ``days_after`` after :data:`ANCHOR`."""
        offset = self.rng.uniform(-days_before, days_after)
        return ANCHOR + timedelta(days=offset)

    def lookup(self, kind: str, value: str) -> Record:
        """The item of lookup ``kind`` whose value is ``value``. Example:
        ``self.lookup("ReleaseStatusType", "Draft")["id"]``."""
        return next(item for item in self.data.lookups[kind] if item["value"] == value)

    def pick_lookup(self, kind: str) -> Record:
        """A random item of lookup ``kind`` (one draw)."""
        return self.choose(self.data.lookups[kind])

    def build(self) -> SeedData:
        """Every collection, in the order of the draws: the first seeds' steps, then the steps
        of fields added later (never insert a step before these: ids and names would change)."""
        self.lookups(kind for kind in LOOKUP_VALUES if kind not in LATER_LOOKUP_VALUES)
        self.people()
        self.organizations()
        self.systems()
        self.releases()
        self.changes()
        self.environments()
        self.defects()
        # Drawn last, so that the data above is what it was before these fields existed.
        self.lookups(LATER_LOOKUP_VALUES)
        self.environment_lookups()
        self.system_fields()
        self.change_assignees()
        self.change_stakeholder_roles()
        TestManagementSeed(self.seed, self.data).build()
        return self.data

    def lookups(self, kinds: Iterable[str]) -> None:
        """The values of each lookup type in ``kinds``, ``{id, value, sortOrder, type}``."""
        for kind in kinds:
            _description, values = LOOKUP_VALUES[kind]
            self.data.lookups[kind] = [
                {"id": self.guid(), "value": value, "sortOrder": order, "type": kind}
                for order, value in enumerate(values)
            ]

    def people(self) -> None:
        """The site's people (managers, raisers, assignees): ``{id, name, email}``."""
        for name in _PEOPLE:
            email = name.lower().replace(" ", ".") + "@example.com"
            self.data.people.append({"id": self.guid(), "name": name, "email": email})

    def organizations(self) -> None:
        """Six organizations ``{id, name, type}`` (Company, Division, Department)."""
        for name, kind in _ORGANIZATIONS:
            org = {"id": self.guid(), "name": name, "type": kind}
            self.data.organizations[org["id"]] = org
        self._organizations = list(self.data.organizations.values())  # what org() draws from

    def org(self) -> Record:
        """A random organization (one draw)."""
        return self.choose(self._organizations)

    def systems(self) -> None:
        """Fifteen systems, their flags and custom fields filled in by :meth:`system_fields`."""
        for name, vendor in _SYSTEMS:
            org = self.org()
            system = {
                "id": self.guid(),
                "name": name,
                "vendor": vendor,
                "status": "Active" if self.rng.random() < 0.85 else "Inactive",
                "organizationId": org["id"],
                "organization": org["name"],
                "description": f"{name} supplied by {vendor}.",
                "isAllowEdit": False,  # what the vendor's Cypress suite reads for an API user
                "inMyOrganization": False,
                "additionalInformation": [],
            }
            self.data.systems[system["id"]] = system

    def releases(self) -> None:
        """``release_count`` releases (260: 20 Enterprise, 140 Integrated, most with an
        Enterprise parent, 100 Independent; another count in the same proportions), each type
        in every status. Example identifier: ``PRJ-2026.001``."""
        statuses = LOOKUP_VALUES["ReleaseStatusType"][1]
        # Another count keeps the mix of types (each type in every status once there are
        # five of it).
        enterprise = self.release_count * 20 // 260
        integrated = self.release_count * 140 // 260
        independent = self.release_count - enterprise - integrated
        plan = [
            ("Enterprise", enterprise),
            ("Integrated", integrated),
            ("Independent", independent),
        ]
        enterprise_ids: list[str] = []
        number = 0
        status_items = [self.lookup("ReleaseStatusType", status) for status in statuses]
        systems = list(self.data.systems.values())
        for release_type, count in plan:
            for index in range(count):
                number += 1
                # Cycle through every status so each type has each status, end states included.
                status = status_items[index % len(statuses)]
                kind = self.pick_lookup("ReleaseType")
                risk = self.pick_lookup("ReleaseRiskLevel")
                org = self.org()
                manager = self.choose(self.data.people)
                system = self.choose(systems)
                implementation = self.moment(540, 540).replace(hour=0, minute=0, second=0)
                prefix = {"Enterprise": "ENT", "Integrated": "PRJ", "Independent": "IND"}
                identifier = f"{prefix[release_type]}-{implementation:%Y}.{index + 1:03d}"
                parent: Record | None = None
                if release_type == "Integrated" and enterprise_ids and index % 3 != 2:
                    parent = self.data.releases[self.choose(enterprise_ids)]
                release: Record = {
                    "id": self.guid(),
                    "identifier": identifier,
                    "name": f"{system['name']} {kind['value']} {implementation:%b %Y}",
                    "summary": f"{kind['value']} release of {system['name']} for {org['name']}.",
                    "releaseTypeId": kind["id"],
                    "releaseType": kind["value"],
                    "location": self.choose(["Sydney", "London", "Chicago", "Remote"]),
                    "releaseStatusTypeId": status["id"],
                    "releaseStatusType": status["value"],
                    "releaseRiskLevelId": risk["id"],
                    "releaseRiskLevel": risk["value"],
                    "implementationDate": iso_plain(implementation),
                    "displayColor": f"#{self.rng.getrandbits(24):06x}",
                    "organizationId": org["id"],
                    "organization": org["name"],
                    "managerId": manager["id"],
                    "manager": manager["name"],
                    "parentReleaseId": parent["id"] if parent else None,
                    "parentRelease": parent["identifier"] if parent else None,
                    "plutoraReleaseType": release_type,
                    "releaseProjectType": {
                        "Enterprise": "None",
                        "Integrated": "IsProject",
                        "Independent": "NotIsProject",
                    }[release_type],
                    "lastModifiedDate": iso_precise(self.moment(200, 0)),
                    "additionalInformation": self.additional_information(),
                }
                self.data.releases[release["id"]] = release
                if release_type == "Enterprise":
                    enterprise_ids.append(release["id"])

    def additional_information(self) -> list[Record]:
        """A release's custom fields: none, or a FreeText "Budget Code" (``BC-123``)."""
        if self.rng.random() < 0.4:
            return []
        guid = self.guid()
        return [custom_field(guid, "Budget Code", "Release", text=f"BC-{self.integer(100, 999)}")]

    def changes(self) -> None:
        """``change_count`` changes (300), ``changeId`` from 1, with stakeholders, systems and
        delivery releases (the stakeholders' roles: :meth:`change_stakeholder_roles`)."""
        releases = list(self.data.releases.values())
        systems = list(self.data.systems.values())
        for number in range(1, self.change_count + 1):
            org = self.org()
            raised_by = self.choose(self.data.people)
            raised = self.moment(400, 60)
            modified = raised + timedelta(days=self.rng.uniform(0, 60))
            text = f"{self.choose(_CHANGE_VERBS)} {self.choose(_CHANGE_OBJECTS)}"
            change: Record = {
                "id": self.guid(),
                "changeId": number,
                "name": f"{text} ({number})",
                "businessValueScore": self.integer(0, 100),
                "raisedById": raised_by["id"],
                "raisedBy": raised_by["name"],
                "raisedDate": iso_precise(raised),
                "organizationId": org["id"],
                "organization": org["name"],
                "expectedDeliveryDate": iso_plain(raised + timedelta(days=self.integer(7, 120))),
                "description": f"<p>{text}.</p>",
                "descriptionSimple": f"{text}.",
                "lastModifiedDate": iso_precise(modified),
                "lastModifiedBy": self.choose(self.data.people)["name"],
                "additionalInformation": [],
                "comments": [],  # no public source shows a comment's fields: none seeded
                "stakeholders": [
                    {
                        "userId": person["id"],
                        "user": person["name"],
                        "groupId": None,
                        "group": "",
                        "stakeholderRoleIds": [],  # these two: change_stakeholder_roles()
                        "stakeholderRoles": "",
                        "responsible": self.rng.random() < 0.5,
                        "accountable": self.rng.random() < 0.3,
                        "informed": True,
                        "consulted": self.rng.random() < 0.3,
                    }
                    for person in self.rng.sample(self.data.people, self.integer(0, 3))
                ],
                "systems": [
                    {"systemId": system["id"], "name": system["name"], "systemRoleType": "Impact"}
                    for system in self.rng.sample(systems, self.integer(0, 2))
                ],
                "deliveryReleases": [
                    {
                        "releaseId": release["id"],
                        "targetRelease": True,
                        "actualDeliveryRelease": False,
                    }
                    for release in self.rng.sample(releases, min(self.integer(0, 2), len(releases)))
                ],
            }
            for field_name, kind in (
                ("changePriority", "ChangePriority"),
                ("changeStatus", "ChangeStatus"),
                ("changeType", "ChangeType"),
                ("changeDeliveryRisk", "ChangeDeliveryRisk"),
                ("changeTheme", "ChangeTheme"),
            ):
                value = self.pick_lookup(kind)
                change[field_name + "Id"] = value["id"]
                change[field_name] = value["value"]
            self.data.changes[change["id"]] = change

    def environments(self) -> None:
        """Ten environments (``DEV1`` … ``PROD``), their hosts and the hosts' layers: every
        environment covers every stack layer."""
        stack_layers = self.data.lookups["StackLayer"]
        systems = list(self.data.systems.values())
        for number, name in enumerate(_ENVIRONMENTS):
            system = systems[number % len(systems)]
            environment: Record = {
                "id": self.guid(),
                "name": name,
                "description": f"{name} environment for {system['name']}.",
                "url": f"https://{name.lower()}.apps.example.com",
                "vendor": system["vendor"],
                "linkedSystemId": system["id"],
                "linkedSystem": system["name"],
                "environmentMgr": None,  # these five: environment_lookups()
                "usageWorkItemId": None,
                "usageWorkItem": _USED_FOR[name.rstrip("0123456789")],
                "environmentStatusId": None,
                "environmentStatus": "Active" if name != "DR" else "Standby",
                "color": f"#{self.rng.getrandbits(24):06x}",
                "isSharedEnvironment": name in ("SIT1", "UAT1", "PERF"),
                "hosts": [],
            }
            host_count = self.integer(2, 4)
            hosts = []
            for host_number in range(host_count):
                host: Record = {
                    "id": self.guid(),
                    "name": f"{name.lower()}-node-{host_number + 1:02d}",
                    "environmentID": environment["id"],
                    "layers": [],
                }
                hosts.append(host)
            # Every environment covers every stack layer, spread over its hosts.
            for order, stack_layer in enumerate(stack_layers):
                for host in (hosts[order % host_count], self.choose(hosts)):
                    if any(layer["stackLayerID"] == stack_layer["id"] for layer in host["layers"]):
                        continue
                    layer = {
                        "id": self.guid(),
                        "componentName": self.choose(_COMPONENTS[stack_layer["value"]]),
                        "version": f"{self.integer(1, 19)}.{self.integer(0, 9)}",
                        "hostID": host["id"],
                        "environmentID": environment["id"],
                        "stackLayerID": stack_layer["id"],
                        "stackLayer": stack_layer["value"],
                        "stackLayerType": "StackLayer",
                    }
                    host["layers"].append(layer)
                    self.data.layers[layer["id"]] = layer
            for host in hosts:
                self.data.hosts[host["id"]] = host
            environment["hosts"] = hosts
            self.data.environments[environment["id"]] = environment

    def environment_lookups(self) -> None:
        """Drawn later: each environment's ``usageWorkItemId``, ``environmentStatusId`` (from
        the names it was given) and ``environmentMgr``."""
        for environment in self.data.environments.values():
            used_for = self.lookup("UsedForWorkItem", environment["usageWorkItem"])
            status = self.lookup("EnvironmentStatus", environment["environmentStatus"])
            environment["usageWorkItemId"] = used_for["id"]
            environment["environmentStatusId"] = status["id"]
            environment["environmentMgr"] = self.choose(self.data.people)["name"]

    def system_fields(self) -> None:
        """Drawn later: ``inMyOrganization`` and two custom fields per system (Support Tier,
        Go-Live)."""
        mine = {org["id"] for org in list(self.data.organizations.values())[:3]}
        tiers = ["Gold", "Silver", "Bronze"]
        for system in self.data.systems.values():
            system["inMyOrganization"] = system["organizationId"] in mine
            tier = self.choose(tiers)
            system["additionalInformation"] = [
                custom_field(self.guid(), "Support Tier", "System", text=tier),
                custom_field(
                    self.guid(),
                    "Go-Live",
                    "System",
                    data_type="DatePicker",
                    date=iso_plain(self.moment(2000, 0).replace(hour=0, minute=0, second=0)),
                ),
            ]

    def change_assignees(self) -> None:
        """Drawn later: each change's ``assignedToId`` (a person, or None)."""
        for change in self.data.changes.values():
            assignee = self.choose([*self.data.people, None])
            change["assignedToId"] = assignee["id"] if assignee else None

    def change_stakeholder_roles(self) -> None:
        """Drawn later: each stakeholder's role, a ``StakeholderRole`` value (one per
        stakeholder, as ``pullrequest-to-change.js`` shows)."""
        for change in self.data.changes.values():
            for stakeholder in change["stakeholders"]:
                role = self.pick_lookup("StakeholderRole")
                stakeholder["stakeholderRoleIds"] = [role["id"]]
                stakeholder["stakeholderRoles"] = role["value"]

    def defects(self) -> None:
        """``defect_count`` defects ``DEF-0001`` …: six statuses, four priorities, four
        severities, most linked to a release."""
        statuses = {value: self.guid() for value in DEFECT_STATUSES}
        priorities = {value: self.guid() for value in DEFECT_PRIORITIES}
        severities = {value: self.guid() for value in DEFECT_SEVERITIES}
        self.data.lookups["DefectStatus"] = _defect_lookup(statuses, "DefectStatus")
        self.data.lookups["DefectPriority"] = _defect_lookup(priorities, "DefectPriority")
        self.data.lookups["DefectSeverity"] = _defect_lookup(severities, "DefectSeverity")
        release_ids = [release["id"] for release in self.data.releases.values()]
        # The draws of every defect, in the order they always had (the default site stays
        # as it was); the loop is tight because a scale test seeds 100,000 and more.
        # Defects of one status (priority, severity) share that lookup's object: a PATCH
        # replaces it, never changes it in place.
        status_of = {v: {"Id": statuses[v], "Value": v} for v in DEFECT_STATUSES}
        priority_of = {v: {"Id": priorities[v], "Value": v} for v in DEFECT_PRIORITIES}
        severity_of = {v: {"Id": severities[v], "Value": v} for v in DEFECT_SEVERITIES}
        assignees = [person["email"] for person in self.data.people] + [None]
        choice, draw, guid = _Chooser(self.rng), self.rng.random, self.guid
        anchor, defects = ANCHOR.replace(tzinfo=None), self.data.defects
        points = [1, 2, 3, 5, 8]
        hundreds = range(100, 1000)
        statuses_count, priorities_count = len(DEFECT_STATUSES), len(DEFECT_PRIORITIES)
        for number in range(1, self.defect_count + 1):
            status = DEFECT_STATUSES[number % statuses_count]
            priority = DEFECT_PRIORITIES[(number // 2) % priorities_count]
            severity = choice(DEFECT_SEVERITIES)
            # self.moment(300, 0) and rng.uniform(0, 900), as wall-clock UTC times
            created = anchor + timedelta(days=-300 + 300 * draw())
            modified = created + timedelta(hours=0 + 900 * draw())
            assignee = choice(assignees)
            context = choice(_DEFECT_CONTEXTS)
            defect_id = guid()
            name = f"App {choice(_DEFECT_SYMPTOMS)} {context}"
            build = choice(hundreds)  # rng.randint(100, 999)
            release_id = choice(release_ids) if draw() < 0.7 else None
            story_points = str(choice(points))
            defect: Record = {
                "Id": defect_id,
                "DisplayId": f"DEF-{number:04d}",  # DEF-0001 … DEF-9999, then DEF-10000
                "Name": name,
                "Description": f"Steps: open {context}, repeat the action. Seen in build {build}.",
                "Status": status_of[status],
                "Priority": priority_of[priority],
                "Severity": severity_of[severity],
                "AssignedTo": assignee,
                "ReleaseId": release_id,
                "CreatedDate": created.isoformat(timespec="microseconds") + "7+00:00",
                "LastModifiedDate": modified.isoformat(timespec="microseconds") + "7+00:00",
                "Fields": [
                    _field("Story Points", story_points),
                    _field("Component", context),
                ],
            }
            defects[defect_id] = defect


class _Chooser:
    """``rng.choice``, drawing exactly what it draws (CPython's ``_randbelow``: the bits of
    the length, again while too large) for one Python call less per draw: seeding 100,000
    records is mostly draws. The seed fingerprint test fails should a Python draw otherwise.

    Example: ``_Chooser(random.Random(1))(["a", "b"])`` is ``random.Random(1).choice(["a",
    "b"])``.
    """

    def __init__(self, rng: random.Random) -> None:
        self._bits = rng.getrandbits

    def __call__(self, items: Sequence[T]) -> T:
        size = len(items)
        bits = size.bit_length()
        drawn = self._bits(bits)
        while drawn >= size:
            drawn = self._bits(bits)
        return items[drawn]


def _defect_lookup(values: dict[str, str], kind: str) -> list[Record]:
    return [
        {"id": guid, "value": value, "sortOrder": order, "type": kind}
        for order, (value, guid) in enumerate(values.items())
    ]


def custom_field(
    guid: str, name: str, entity: str, data_type: str = "FreeText", **value: Any
) -> Record:
    """An ``additionalInformation`` item: which value property is set depends on its
    ``dataType`` (``text`` for FreeText, ``date`` for DatePicker, …); the others are null.

    Example: ``custom_field(guid, "Budget Code", "Release", text="BC-123")``.
    """
    item: Record = {"id": guid, "name": name, "type": entity, "dataType": data_type}
    for key in (
        "text", "time", "date", "number", "decimal", "dateTime", "listItem", "multiListItem"
    ):  # fmt: skip
        item[key] = value.get(key)
    return item


def _field(name: str, value: str) -> Record:
    return {"Name": name, "Value": value, "StringValue": value}


def build_seed(
    seed: int, defect_count: int = 1000, release_count: int = 260, change_count: int = 300
) -> SeedData:
    """Build the whole site for ``seed`` (the same site for the same arguments, at any size).

    Example: ``build_seed(1).releases``; ``build_seed(1, release_count=10_000)`` for scale.
    """
    return _Builder(seed, defect_count, release_count, change_count).build()


#: Lookup values of the Plutora Test items beyond defects, in sort order.
TEST_LOOKUP_VALUES: dict[str, list[str]] = {
    "RequirementStatus": ["Draft", "Review", "Testing", "Approved", "Done"],
    "RequirementPriority": DEFECT_PRIORITIES,
    "TestCaseStatus": ["Draft", "Ready", "Approved", "Obsolete"],
    "TestCasePriority": DEFECT_PRIORITIES,
    "TestCaseType": ["Manual", "Automated"],
    "TestPlanStatus": ["Planned", "Active", "Completed"],
}
#: Each category setting: the entity, the property, the lookup holding its values.
CATEGORY_SETTINGS = [
    ("Defect", "Status", "DefectStatus"), ("Defect", "Priority", "DefectPriority"),
    ("Defect", "Severity", "DefectSeverity"), ("Requirement", "Status", "RequirementStatus"),
    ("Requirement", "Priority", "RequirementPriority"), ("TestCase", "Status", "TestCaseStatus"),
    ("TestCase", "Priority", "TestCasePriority"), ("TestCase", "Type", "TestCaseType"),
    ("TestPlan", "Status", "TestPlanStatus"),
]  # fmt: skip
REQUIREMENT_COUNT, TEST_CASE_COUNT, TEST_PLAN_COUNT = 40, 200, 10
_FEATURES = [
    "sign in with a passkey", "export invoices as CSV", "pay by card", "look up an address",
    "read the audit trail", "schedule a batch", "reset a password", "accept cookies",
    "see their rate card", "keep a session alive", "search the catalogue",
    "download PDF statements", "receive push notifications",
]  # fmt: skip
_CHECKS = ["happy path", "invalid input", "timeout", "permissions", "large data", "retry"]


class TestManagementSeed:
    """Requirements, test cases (with execution summaries), test plans and category settings,
    coherent with the seeded defects and releases: each test case covers one or two
    requirements (listed both ways), some name defects raised against them, each plan runs
    test cases whose last run may belong to it. Its own generator (``plutora-test:<seed>``)
    leaves every earlier draw alone.

    Example: ``TestManagementSeed(1, data).build(); data.test_cases``
    """

    def __init__(self, seed: int, data: SeedData) -> None:
        self.rng = random.Random(f"plutora-test:{seed}")
        self.choose = _Chooser(self.rng)
        self.data = data

    def guid(self) -> str:
        """A GUID of this generator. Example: ``"3f2a7c1e-…"``."""
        return _guid_text(self.rng.getrandbits(128))

    def moment(self, days_before: int) -> str:
        """A moment up to ``days_before`` days before :data:`ANCHOR`, as defects carry one."""
        at = ANCHOR.replace(tzinfo=None) - timedelta(days=days_before * self.rng.random())
        return at.isoformat(timespec="microseconds") + "7+00:00"

    def build(self) -> None:
        """Every collection, in a fixed order of draws."""
        lookups = self.data.test_lookups
        for kind, values in TEST_LOOKUP_VALUES.items():
            lookups[kind] = _defect_lookup({value: self.guid() for value in values}, kind)
        self.requirements()
        self.test_cases()
        self.test_plans()
        self.executions()
        self.category_settings()

    def _lookup(self, kind: str, value: str) -> Record:
        item = next(i for i in self.data.test_lookups[kind] if i["value"] == value)
        return {"Id": item["id"], "Value": item["value"]}

    def _people(self) -> list[Any]:
        return [person["email"] for person in self.data.people] + [None]

    def requirements(self) -> None:
        """``REQ-0001`` …: five statuses in turn, most in a release."""
        releases = [release["id"] for release in self.data.releases.values()] or [None]
        statuses = TEST_LOOKUP_VALUES["RequirementStatus"]
        for number in range(1, REQUIREMENT_COUNT + 1):
            created = self.moment(400)
            record: Record = {
                "Id": self.guid(),
                "DisplayId": f"REQ-{number:04d}",
                "Name": f"Customers can {self.choose(_FEATURES)}",
                "Description": f"As a customer I want to {self.choose(_FEATURES)}.",
                "Status": self._lookup("RequirementStatus", statuses[number % len(statuses)]),
                "Priority": self._lookup("RequirementPriority", self.choose(DEFECT_PRIORITIES)),
                "AssignedTo": self.choose(self._people()),
                "ReleaseId": self.choose(releases) if self.rng.random() < 0.8 else None,
                "TestCaseIds": [],
                "CreatedDate": created,
                "LastModifiedDate": created,
                "Fields": [_field("Source", self.choose(["Customer", "Regulator", "Support"]))],
            }
            self.data.requirements[record["Id"]] = record

    def test_cases(self) -> None:
        """``TC-0001`` …: each covers requirement ``n mod 40`` (every requirement has cases)
        and sometimes another; about one in four names one or two defects."""
        requirements = list(self.data.requirements.values())
        defects = [defect["Id"] for defect in self.data.defects.values()]
        statuses = TEST_LOOKUP_VALUES["TestCaseStatus"]
        for number in range(1, TEST_CASE_COUNT + 1):
            covered = [requirements[(number - 1) % len(requirements)]]
            if self.rng.random() < 0.3:
                other = self.choose(requirements)
                if other is not covered[0]:
                    covered.append(other)
            raised = []
            if defects and self.rng.random() < 0.25:
                raised = sorted({self.choose(defects) for _ in range(self.choose([1, 2]))})
            created = self.moment(300)
            record: Record = {
                "Id": self.guid(),
                "DisplayId": f"TC-{number:04d}",
                "Name": f"{covered[0]['Name']}: {self.choose(_CHECKS)}",
                "Description": f"Check that customers can {self.choose(_FEATURES)}.",
                "Status": self._lookup("TestCaseStatus", statuses[number % len(statuses)]),
                "Priority": self._lookup("TestCasePriority", self.choose(DEFECT_PRIORITIES)),
                "Type": self._lookup("TestCaseType", self.choose(["Manual", "Automated"])),
                "AssignedTo": self.choose(self._people()),
                "RequirementIds": [requirement["Id"] for requirement in covered],
                "DefectIds": raised,
                "CreatedDate": created,
                "LastModifiedDate": created,
                "Fields": [_field("Component", self.choose(_DEFECT_CONTEXTS))],
            }
            for requirement in covered:
                requirement["TestCaseIds"].append(record["Id"])
            self.data.test_cases[record["Id"]] = record

    def test_plans(self) -> None:
        """``TP-001`` …: each runs 15 to 30 test cases of a release."""
        cases = list(self.data.test_cases)
        releases = [release["id"] for release in self.data.releases.values()] or [None]
        statuses = TEST_LOOKUP_VALUES["TestPlanStatus"]
        for number in range(1, TEST_PLAN_COUNT + 1):
            start = ANCHOR.replace(tzinfo=None) - timedelta(days=30 * (TEST_PLAN_COUNT - number))
            drawn = set(self.rng.sample(cases, self.choose(range(15, 31))))
            chosen = sorted(drawn, key=cases.index)
            created = self.moment(400)
            record: Record = {
                "Id": self.guid(),
                "DisplayId": f"TP-{number:03d}",
                "Name": f"Regression {2025 + number // 12}.{number % 12 + 1:02d}",
                "Description": "Regression of the release's stories.",
                "Status": self._lookup("TestPlanStatus", statuses[number % len(statuses)]),
                "ReleaseId": self.choose(releases),
                "StartDate": start.isoformat(timespec="seconds"),
                "EndDate": (start + timedelta(days=14)).isoformat(timespec="seconds"),
                "TestCaseIds": chosen,
                "CreatedDate": created,
                "LastModifiedDate": created,
            }
            self.data.test_plans[record["Id"]] = record

    def executions(self) -> None:
        """Each test case's ``ExecutionSummary``: counts, and its last run (in one of its
        plans when it is in any); about one in eight never ran."""
        plans_of: dict[str, list[Record]] = {}
        for plan in self.data.test_plans.values():
            for case_id in plan["TestCaseIds"]:
                plans_of.setdefault(case_id, []).append(plan)
        people = [person["email"] for person in self.data.people]
        for case in self.data.test_cases.values():
            runs = 0 if self.rng.random() < 0.125 else self.choose(range(1, 13))
            failed = self.choose(range(0, runs // 2 + 1)) if runs else 0
            blocked = self.choose(range(0, (runs - failed) // 4 + 1)) if runs else 0
            summary: Record = {
                "TotalRuns": runs,
                "Passed": runs - failed - blocked,
                "Failed": failed,
                "Blocked": blocked,
                "LastExecutionStatus": None,
                "LastExecutionDate": None,
                "LastExecutedBy": None,
                "LastTestPlanId": None,
            }
            if runs:
                plans = plans_of.get(case["Id"], [])
                last_plan: Record | None = self.choose(plans) if plans else None
                outcomes = ["Passed"] * summary["Passed"] + ["Failed"] * failed
                outcomes += ["Blocked"] * blocked
                summary["LastExecutionStatus"] = self.choose(outcomes)
                summary["LastExecutionDate"] = self.moment(60)
                summary["LastExecutedBy"] = self.choose(people) if people else None
                summary["LastTestPlanId"] = last_plan["Id"] if last_plan else None
            case["ExecutionSummary"] = summary

    def category_settings(self) -> None:
        """One per property of an entity that takes a list of values (its lookup's)."""
        lookups = {**self.data.lookups, **self.data.test_lookups}
        for entity, name, kind in CATEGORY_SETTINGS:
            record: Record = {
                "Id": self.guid(),
                "Name": name,
                "EntityType": entity,
                "Values": [
                    {"Id": item["id"], "Value": item["value"], "SortOrder": item["sortOrder"]}
                    for item in lookups.get(kind, [])
                ],
            }
            self.data.category_settings[record["Id"]] = record
