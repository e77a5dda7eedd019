"""The simulated site's state, one backend per resource area (as moto splits its models).

Each backend holds its own state and has a ``reset``; none knows HTTP. They raise
:class:`~.errors.NotFound`, :class:`~.errors.Invalid` and :class:`~.errors.RulesBroken`, and
the HTTP layer (``plutora_api``, ``plutora_test_api``, ``token_server``) renders those as each
API does. :class:`~PlutoraLibrary.simulator.state.SimulatorState` holds one of each, and the
lock they all run under.

| backend | holds |
|---|---|
| :mod:`.clock` | the movable clock |
| :mod:`.counters` | grants, denials, logins, 429s, requests per route and status |
| :mod:`.settings` | the run-time settings (whitelist, rate limits, lifetimes, display names) |
| :mod:`.auth` | API keys, users, issued tokens, failed logins and lock-outs |
| :mod:`.limits` | the IP whitelist and the rate limits |
| :mod:`.faults` | injected faults |
| :mod:`.catalogue` | lookup fields, people, organizations, systems |
| :mod:`.releases`, :mod:`.changes` | releases and changes, with their business rules |
| :mod:`.environments` | environments, hosts, layers |
| :mod:`.defects` | Plutora Test defects |
"""

from .auth import AuthBackend, LoginRejected, ProtectedUser, TokenGrant
from .catalogue import CatalogueBackend
from .changes import ChangesBackend
from .clock import Clock
from .counters import Counters
from .defects import DefectsBackend
from .environments import EnvironmentsBackend
from .errors import Invalid, ModelState, NotFound, RulesBroken
from .faults import FAULT_KINDS, Fault, FaultsBackend
from .limits import LimitsBackend
from .releases import ReleasesBackend
from .settings import Settings

__all__ = [
    "FAULT_KINDS",
    "AuthBackend",
    "CatalogueBackend",
    "ChangesBackend",
    "Clock",
    "Counters",
    "DefectsBackend",
    "EnvironmentsBackend",
    "Fault",
    "FaultsBackend",
    "Invalid",
    "LimitsBackend",
    "LoginRejected",
    "ModelState",
    "NotFound",
    "ProtectedUser",
    "ReleasesBackend",
    "RulesBroken",
    "Settings",
    "TokenGrant",
]
