"""Everything the simulator remembers: one backend per resource area, behind one lock.

The HTTP layer runs every handler on one event loop with :attr:`SimulatorState.lock` held,
and in-process callers (tests, the Robot library, :class:`PlutoraSimulator`) go through the
methods below, which take the same lock, so no update is ever lost or half applied, however
many clients or processes call at once.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

from .backends import (
    FAULT_KINDS,
    AuthBackend,
    CatalogueBackend,
    ChangesBackend,
    Clock,
    Counters,
    DefectsBackend,
    EnvironmentsBackend,
    Fault,
    FaultsBackend,
    LimitsBackend,
    LoginRejected,
    ProtectedUser,
    ReleasesBackend,
    Settings,
    TokenGrant,
)
from .backends.bookings import TebrWorkflow
from .backends.change_systems import ChangeSystemsBackend
from .backends.comments import CommentsBackend
from .backends.custom_fields import CustomFieldsBackend
from .backends.environment_groups import EnvironmentGroupsBackend
from .backends.environment_requests import EnvironmentRequestsBackend
from .backends.environments import EnvironmentWrites
from .backends.faults import FaultKind
from .backends.health_checks import HealthChecksBackend
from .backends.linked_items import LinkedItemsBackend
from .backends.records import Records
from .backends.release_framework import ReleaseFrameworkBackend
from .backends.release_systems import ReleaseSystemsBackend
from .backends.stakeholders import StakeholdersBackend
from .backends.systems import SystemWrites
from .backends.tecr_workflow import TecrWorkflow
from .backends.test_items import TestManagementBackend
from .backends.users import UsersBackend
from .config import ApiKey, Product, SimulatorConfig, UserAccount
from .site import configured, recorded_framework, recorded_requests, seeded

__all__ = [
    "FAULT_KINDS",
    "Fault",
    "FaultKind",
    "LoginRejected",
    "ProtectedUser",
    "SimulatorState",
    "TokenGrant",
]


class SimulatorState:
    """The simulated site: its backends, and the lock every one of them runs under.

    | attribute | backend |
    |---|---|
    | ``clock``, ``counters``, ``settings`` | the movable clock, the counters, run-time settings |
    | ``auth``, ``limits``, ``faults`` | tokens and lock-outs; whitelist and rate limits; faults |
    | ``catalogue`` | lookups, people, organizations, systems |
    | ``releases``, ``changes``, ``environments``, ``defects`` | the site's data |
    | ``requests``, ``custom_fields`` | TECRs, TEBRs, users; custom field definitions |
    | ``environment_writes``, ``health_checks`` | environment and host writes; health checks |
    | ``release_systems`` | releases' systems, deployment status and deployment dates |
    | ``change_systems``, ``comments`` | the systems changes impact; comments on records |
    | ``site_users`` | users' roles and status (an Inactive user cannot log in) |
    | ``tecr_workflow`` | TECR status moves and TECRs' linked changes |
    | ``environment_groups`` | environment groups and their connectivities |
    | ``tebr_workflow`` | TEBR status moves and bookings |

    | ``system_writes``, ``stakeholders`` | systems and organizations written, the tree; the
      stakeholders of releases, systems and changes |

    | ``linked_items`` | items linked to releases and changes (mirrored pairs) |

    | ``release_framework`` | releases' phases, gates and activities; phase and gate names |

    Every public method takes ``self.lock``; HTTP handlers run with it held. Example::

        state = SimulatorState(SimulatorConfig(seed=3))
        grant = state.grant_token("plutora", "sim-plutora-client", "sim-plutora-secret",
                                  "qa.lead@example.com", "Sim-Password-1")
        state.releases.get(some_id)["name"]
    """

    def __init__(self, config: SimulatorConfig) -> None:
        config = configured(config)  # a recording's spelling (seed_from)
        self.config = config
        self.lock = threading.RLock()
        self.clock = Clock()
        self.counters = Counters()
        self.settings = Settings(config)
        self.auth = AuthBackend(config, self.settings, self.clock, self.counters)
        self.limits = LimitsBackend(self.settings, self.clock, self.counters)
        self.faults = FaultsBackend(self.counters)
        seed = seeded(config)
        self.catalogue = CatalogueBackend(seed)
        self.releases = ReleasesBackend(seed, self.catalogue, self.clock)
        self.changes = ChangesBackend(seed, self.catalogue, self.clock, self.releases.records)
        self.environments = EnvironmentsBackend(seed)
        self.defects = DefectsBackend(seed, self.catalogue, self.clock)
        self.test_management = TestManagementBackend(seed, self.clock)
        self.requests = EnvironmentRequestsBackend(
            seed, config.seed, recorded_requests(config), _accounts(config)
        )
        self.custom_fields = self._custom_fields()
        self.environment_writes = EnvironmentWrites(
            self.environments, self.catalogue, lambda: self.requests.tecrs
        )
        self.health_checks = HealthChecksBackend(seed, config.seed, self.clock)
        self.tecr_workflow = TecrWorkflow(
            self.requests.tecrs, self.changes.records, self.requests.users
        )
        self.tecr_workflow.reset(config.seed)
        self.release_systems = ReleaseSystemsBackend(
            seed,
            config.seed,
            self.releases.records,
            self.catalogue,
            self.environments.environments,
        )
        self.environment_groups = EnvironmentGroupsBackend(
            seed,
            config.seed,
            self.environments.environments,
            self.catalogue,
            recorded_requests(config).get("environmentgroups", []),
        )
        self.tebr_workflow = TebrWorkflow(
            self.requests.tebrs,
            self.environments.environments,
            self.releases.records,
            self.requests.users,
            self.clock,
        )
        self.tebr_workflow.reset(config.seed)

        self.system_writes = SystemWrites(
            self.catalogue,
            self.environments.environments,
            lambda: [self.catalogue.systems, self.releases.records, self.changes.records],
        )
        self.stakeholders = StakeholdersBackend(
            config.seed,
            self.releases.records,
            self.catalogue.systems,
            self.changes.records,
            self.requests.users,
            self.catalogue.lookup_by_id("StakeholderRole"),
            lambda: self.catalogue.people,
        )

        self.linked_items = LinkedItemsBackend(self.releases.records, self.changes.records)
        self.linked_items.reset(config.seed)

        self.release_framework = ReleaseFrameworkBackend(
            seed,
            config.seed,
            self.releases.records,
            lambda: self.requests.users,
            recorded_framework(config),
        )

        self.change_systems = ChangeSystemsBackend(self.changes.records, self.catalogue, self.clock)
        self.site_users = UsersBackend(self.requests.users)
        self.auth.inactive = self.site_users.is_inactive
        self.comments = CommentsBackend(self._commented(), self.requests.users, self.clock)
        self._settle_people_and_comments()
        self.releases.user_as_person = self._user_as_person

    def _user_as_person(self, user_id: str) -> dict[str, Any] | None:
        """A user of ``/users`` (a login account too) as a person ``{id, name, email}``."""
        for user in self.requests.users:
            if str(user.get("id", "")).lower() == user_id:
                name = f"{user.get('firstName') or ''} {user.get('lastName') or ''}".strip()
                return {
                    "id": user["id"],
                    "name": name or user.get("userName"),
                    "email": user.get("email"),
                }
        return None

    def _commented(self) -> dict[str, Callable[[], Records]]:
        """Where the records that take comments are, by the type the comments path names."""
        return {
            "Release": lambda: self.releases.records,
            "Change": lambda: self.changes.records,
            "Environment": lambda: self.environments.environments,
            "System": lambda: self.catalogue.systems,
            "TECR": lambda: self.requests.tecrs,
            "TEBR": lambda: self.requests.tebrs,
        }

    def _settle_people_and_comments(self) -> None:
        """Users' roles and status and the seeded comments (after the records they belong to
        are loaded). The TEBRs' status ids are the TEBR workflow's (``tebr_workflow``)."""
        self.site_users.reset(self.config.seed, _accounts(self.config))
        self.comments.reset(self.config.seed)

    def _custom_fields(self) -> CustomFieldsBackend:
        """The custom fields of the records held now, each record's settled (one source)."""
        return CustomFieldsBackend(
            {
                "Release": self.releases.records,
                "Change": self.changes.records,
                "System": self.catalogue.systems,
                "Environment": self.environments.environments,
                "TECR": self.requests.tecrs,
                "TEBR": self.requests.tebrs,
            }
        )

    # -- what tests read directly ------------------------------------------------------------

    @property
    def tokens(self) -> dict[str, TokenGrant]:
        """Issued tokens by access token (the auth backend's own dict)."""
        return self.auth.tokens

    @property
    def issued_tokens(self) -> list[str]:
        """Every access and refresh token issued, in order."""
        return self.auth.issued_tokens

    @property
    def api_keys(self) -> dict[str, ApiKey]:
        """API keys by client id (the auth backend's own dict: adding a key takes effect)."""
        return self.auth.api_keys

    @property
    def users(self) -> dict[tuple[str, str], UserAccount]:
        """Users by (product, lower-case username)."""
        return self.auth.users

    @property
    def locked(self) -> set[tuple[str, str]]:
        """Locked users as (product, lower-case username)."""
        return self.auth.locked

    @property
    def failed_logins(self) -> Counter[tuple[str, str]]:
        """Consecutive failed logins by (product, lower-case username)."""
        return self.auth.failed_logins

    @property
    def protected_users(self) -> frozenset[tuple[str, str]]:
        """Users of the simulator's own settings, which the control API may not unlock."""
        return self.auth.protected_users

    @property
    def clock_offset(self) -> float:
        """How far the clock is ahead of real time, in seconds."""
        return self.clock.offset

    def record_counts(self) -> dict[str, int]:
        """How many records of each kind the site holds (for ``GET /_sim``)."""
        with self.lock:
            environments = self.environments
            return {
                "releases": len(self.releases.records),
                "changes": len(self.changes.records),
                "defects": len(self.defects),
                "requirements": len(self.test_management.requirements),
                "testCases": len(self.test_management.test_cases),
                "testPlans": len(self.test_management.test_plans),
                "environments": len(environments.environments),
                "hosts": len(environments.hosts),
                "layers": len(environments.layers),
                "systems": len(self.catalogue.systems),
                "organizations": len(self.catalogue.organizations),
                "tecrs": len(self.requests.tecrs),
                "tebrs": len(self.requests.tebrs),
                "users": len(self.requests.users),
                "environmentGroups": len(self.environment_groups.groups),
                "connectivities": len(self.environment_groups.connectivities),
                "bookings": len(self.tebr_workflow.bookings),
            }

    # -- clock ------------------------------------------------------------------------------

    def now(self) -> float:
        """Seconds since the epoch on the simulator's clock (real time plus any advance)."""
        return self.clock.now()

    def advance_clock(self, seconds: float) -> float:
        """Move the clock forward (tokens expire, rate windows pass); returns the offset.

        At most ten years per call and in total (``ValueError`` past that).
        Example: ``state.advance_clock(12001)``.
        """
        with self.lock:
            return self.clock.advance(seconds)

    # -- resetting --------------------------------------------------------------------------

    def reset(self, tokens: bool = False) -> None:
        """Back to the seeded site: data, locks, limits, faults, counters, clock and settings.

        Issued tokens stay valid unless ``tokens`` is true, so that other processes of a
        parallel run keep working; users of the simulator's own settings keep their failed
        logins and lock. Example: ``state.reset()``.
        """
        seed = seeded(self.config)
        with self.lock:
            self.settings.reset(self.config)
            self.auth.reset(tokens=tokens)
            self.limits.reset()
            self.faults.reset()
            self.counters.reset()
            self.clock.reset()
            self.catalogue.reset(seed)
            self.releases.reset(seed)
            self.changes.reset(seed)
            self.environments.reset(seed)
            self.defects.reset(seed)
            self.test_management.reset(seed)
            self.requests.reset(
                seed, self.config.seed, recorded_requests(self.config), _accounts(self.config)
            )
            self.custom_fields = self._custom_fields()
            self.health_checks.reset(seed, self.config.seed)
            self.release_systems.reset(seed, self.config.seed)
            self.tecr_workflow.reset(self.config.seed)
            self.environment_groups.reset(
                seed, self.config.seed, recorded_requests(self.config).get("environmentgroups", [])
            )
            self.tebr_workflow.reset(self.config.seed)

            self.system_writes.reset()
            self.stakeholders.reset(
                self.config.seed, self.catalogue.lookup_by_id("StakeholderRole")
            )

            self.linked_items.reset(self.config.seed)

            self.release_framework.reset(seed, self.config.seed, recorded_framework(self.config))

            self._settle_people_and_comments()

    # -- logins and tokens ------------------------------------------------------------------

    def grant_token(
        self,
        product: Product,
        client_id: str | None,
        client_secret: str | None,
        username: str | None,
        password: str | None,
    ) -> TokenGrant:
        """Run the password grant, or raise :class:`LoginRejected` with the server's body."""
        with self.lock:
            return self.auth.grant_token(product, client_id, client_secret, username, password)

    def authenticate(self, product: Product, authorization: str | None) -> TokenGrant | None:
        """The grant behind an ``Authorization: bearer …`` header, if valid for ``product``."""
        with self.lock:
            return self.auth.authenticate(product, authorization)

    def expire_tokens(self, user: str | None = None) -> int:
        """Make every issued token (of ``user`` only, if given) expired now; returns how many."""
        with self.lock:
            return self.auth.expire_tokens(user)

    def token_owner(self, authorization: str | None) -> str | None:
        """The user a bearer token was issued to (valid or not), for user-scoped faults."""
        with self.lock:
            return self.auth.token_owner(authorization)

    def add_user(self, account: UserAccount) -> None:
        """Add (or replace) a user, e.g. a throw-away user for lock tests.

        A user of the simulator's own settings cannot be replaced (:class:`ProtectedUser`).
        Example: ``state.add_user(UserAccount("temp@example.com", "pw", "plutora"))``.
        """
        with self.lock:
            self.auth.add_user(account)

    def unlock_user(self, username: str, product: Product | None = None) -> bool:
        """Unlock a user (of one product or both); returns whether it was locked.

        Only demo users and users added through :meth:`add_user` can be unlocked; a user of
        the simulator's own settings raises :class:`ProtectedUser` (it may hold real
        credentials). Example: ``state.unlock_user("temp@example.com")``.
        """
        with self.lock:
            return self.auth.unlock_user(username, product)

    def is_locked(self, username: str, product: Product) -> bool:
        """Whether a user is locked out of a product."""
        with self.lock:
            return self.auth.is_locked(username, product)

    # -- whitelist and rate limit --------------------------------------------------------------

    def ip_allowed(self, address: str | None) -> bool:
        """Whether ``address`` is on the whitelist (an empty whitelist allows everyone)."""
        return self.limits.ip_allowed(address)

    def take_rate_slot(self, client_id: str) -> int | None:
        """Count one request of ``client_id``; return None, or the seconds to wait if over."""
        with self.lock:
            return self.limits.take_rate_slot(client_id)

    def update_settings(self, changes: dict[str, Any]) -> dict[str, Any]:
        """Change run-time settings (whitelist, limits, lifetimes, display names) at once.

        Every problem is reported together in one ``ValueError``; nothing changes then.
        Example: ``state.update_settings({"rateLimitPerSecond": 6})``.
        """
        with self.lock:
            return self.settings.update(changes)

    # -- faults -----------------------------------------------------------------------------

    def add_fault(self, fault: Fault) -> None:
        """Queue a fault (giving it its id); faults are tried in the order they were added."""
        with self.lock:
            self.faults.add(fault)

    def remove_fault(self, fault_id: int) -> bool:
        """Forget one queued fault; False if none has that id (used up, removed, reset)."""
        with self.lock:
            return self.faults.remove(fault_id)

    def clear_faults(self) -> None:
        """Forget every fault still queued."""
        with self.lock:
            self.faults.reset()

    def faults_for_users(self) -> bool:
        """Whether a queued fault is scoped to a user (then requests must say whose they are)."""
        return bool(self.faults.queued) and self.faults.for_users()

    def take_fault(self, method: str, path: str, user: str | None = None) -> Fault | None:
        """The first queued fault matching this request (of ``user``), counted down by one."""
        if not self.faults.queued:  # the common case: no lock, no scan
            return None
        with self.lock:
            return self.faults.take(method, path, user)

    # -- counters ---------------------------------------------------------------------------

    def count_injected_429(self) -> None:
        """Count a 429 sent by an injected fault (under the client id ``(injected)``)."""
        with self.lock:
            self.counters.rate_limited["(injected)"] += 1

    def count_request(self, route: str, status: int) -> None:
        """Record one answered request under its route template and status."""
        with self.lock:
            self.counters.count_request(route, status)

    def reset_counters(self) -> None:
        """Start counting afresh."""
        with self.lock:
            self.counters.reset()


def _accounts(config: SimulatorConfig) -> list[str]:
    """The user names that log in to the Plutora API (what ``GET /me`` answers), each once."""
    names: dict[str, str] = {}
    for account in config.users:
        if account.product == "plutora":
            names.setdefault(account.username.casefold(), account.username)
    return list(names.values())
