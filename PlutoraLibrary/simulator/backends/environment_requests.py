"""Test environment change requests (TECRs), booking requests (TEBRs) and the site's users.

TECRs and TEBRs point at the seeded environments; they are drawn from a generator of their
own (seeded from the site's seed), so a seed's releases, changes and environments are what
they were before these lists existed. Users are the seeded people (``userName`` is the login
e-mail, ``firstName`` and ``lastName`` split from the name) and the accounts the simulator's
``users`` setting lets log in (the user ``GET /me`` answers; its id derived from its user
name, its names from the e-mail's local part: ``qa.lead@…`` is Qa Lead), so a user finds
their own id by name (``id_of("users", "qa.lead@example.com")``).

Example::

    requests = EnvironmentRequestsBackend(build_seed(1), 1)
    requests.tecrs.select(None)[0]["crStatus"]       # 'Approved'
    requests.users.get(person_id)["userName"]        # 'avery.chen@example.com'
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Mapping, Sequence
from datetime import timedelta

from ... import contract
from ..query import entity
from ..seed import ANCHOR, SeedData, iso_plain
from ..site import added_from_recording
from .records import Record, Records

TECRS = entity("TECR", contract.properties("plutora", "TECR"))
TEBRS = entity("TEBR", contract.properties("plutora", "TEBR"))
USERS = entity("User", contract.properties("plutora", "User"))

#: The namespace of the ids of login accounts' users.
_ACCOUNTS = uuid.UUID("9a4c1f52-7d0e-4b6a-8f31-2c5e7b9d0a14")
_CR_STATUSES = ["Draft", "Submitted", "Approved", "Rejected", "Completed"]
_CR_TYPES = ["Octopus Deploy", "Configuration Change", "Data Refresh", "Patch"]
_TEBR_STATUSES = ["Submitted", "Approved", "Completed", "Failed", "Cancelled"]
_TEBR_TYPES = ["AWS Environment", "Shared Booking", "Exclusive Booking"]


class EnvironmentRequestsBackend:
    """TECRs, TEBRs and users (read-only lists; custom fields through
    :class:`~.custom_fields.CustomFieldsBackend`)."""

    def __init__(
        self,
        seed: SeedData,
        number: int,
        recorded: Mapping[str, list[Record]] | None = None,
        accounts: Sequence[str] = (),
    ) -> None:
        self.tecrs = Records("TECR", TECRS)
        self.tebrs = Records("TEBR", TEBRS)
        self.users = Records("User", USERS)
        self.reset(seed, number, recorded, accounts)

    def reset(
        self,
        seed: SeedData,
        number: int,
        recorded: Mapping[str, list[Record]] | None = None,
        accounts: Sequence[str] = (),
    ) -> None:
        """Hold the requests and users of a freshly seeded site (seed ``number``), and the
        TECRs and TEBRs of its recording (``recorded``, by kind: see
        :func:`~PlutoraLibrary.simulator.site.recorded_requests`), ids kept. The users are the
        site's people and the accounts users log in with (``accounts``: the user names
        ``GET /me`` answers), each once."""
        rng = random.Random(f"environment-requests-{number}")
        environments = list(seed.environments.values())
        tecrs: dict[str, Record] = {}
        tebrs: dict[str, Record] = {}
        for index in range(12):
            environment = environments[index % len(environments)]
            tecr: Record = {
                "id": _guid(rng),
                "name": f"TECR-{index + 1:03d} {rng.choice(_CR_TYPES)} on {environment['name']}",
                "crStatus": _CR_STATUSES[index % len(_CR_STATUSES)],
                "crType": _CR_TYPES[index % len(_CR_TYPES)],
                "environmentId": environment["id"],
                "description": f"Change request for {environment['name']}.",
                "additionalInformation": [],
            }
            tecrs[tecr["id"].lower()] = tecr
        for index in range(10):
            environment = environments[(index * 3) % len(environments)]
            start = ANCHOR + timedelta(days=rng.randint(-60, 60))
            tebr: Record = {
                "id": _guid(rng),
                "name": f"TEBR-{index + 1:03d} {environment['name']} booking",
                "status": _TEBR_STATUSES[index % len(_TEBR_STATUSES)],
                "statusID": _guid(rng),
                "type": _TEBR_TYPES[index % len(_TEBR_TYPES)],
                "description": "",
                "startDate": iso_plain(start),
                "endDate": iso_plain(start + timedelta(days=rng.randint(1, 14))),
                "additionalInformation": [],
            }
            tebrs[tebr["id"].lower()] = tebr
        users: dict[str, Record] = {}
        for person in seed.people:
            first, _, last = person["name"].partition(" ")
            user: Record = {
                "id": person["id"],
                "userName": person["email"],
                "firstName": first,
                "lastName": last,
                "email": person["email"],
            }
            users[user["id"].lower()] = user
        for account in accounts:
            if any(u["userName"].casefold() == account.casefold() for u in users.values()):
                continue
            first, _, last = account.partition("@")[0].replace("_", ".").partition(".")
            user = {
                "id": str(uuid.uuid5(_ACCOUNTS, account.casefold())),
                "userName": account,
                "firstName": first.capitalize(),
                "lastName": last.replace(".", " ").title(),
                "email": account if "@" in account else None,
            }
            users[user["id"].lower()] = user
        for kind, generated in (("tecrs", tecrs), ("tebrs", tebrs)):
            templates = list(generated.values())
            added = added_from_recording(seed, (recorded or {}).get(kind, []), templates)
            for record in added:
                generated.pop(str(record["id"]).lower(), None)
                generated[str(record["id"]).lower()] = record
        self.tecrs.load(tecrs)
        self.tebrs.load(tebrs)
        self.users.load(users)


def _guid(rng: random.Random) -> str:
    import uuid

    return str(uuid.UUID(int=rng.getrandbits(128), version=4))
