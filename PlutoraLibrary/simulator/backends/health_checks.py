"""Environment health checks (``POST /environmentHealthCheck``) and their two read-backs.

A check records an environment's health (0 Unknown, 1 Online, 2 Offline, 3 Issue), the name
of the test that found it and, optionally, the test's log file (text). The dashboard's
current status is the latest check per environment and test name, valid for 7 days (the
help page "Manage Health Check Dashboard"); the full history keeps every check.

The seeded site has a week of checks: a nightly "smoke" check of every environment (the
Standby one Offline, the others Online but for one Issue night) and an hourly "docker check"
of the shared ones. They are drawn from a generator of their own, so the rest of a seed is
what it was before health checks existed.

Example::

    checks = HealthChecksBackend(seed, 1, clock)
    checks.record(environment, {"health": 1, "testName": "smoke"}, None, "qa.lead@example.com")
    checks.current([environment["id"]])[0]["healthName"]   # 'Online'
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from ..seed import SeedData, iso_plain
from .clock import Clock
from .errors import ModelState
from .records import Record

#: The health values and their names (docs/contract-decisions.md, "Environment health checks").
HEALTH_NAMES = ("Unknown", "Online", "Offline", "Issue")
#: How long a check counts for the current status (the help page's 7 days).
VALID_FOR = timedelta(days=7)
#: The largest log file taken (decided: a log is a text attachment, not an archive).
MAX_LOG_BYTES = 1024 * 1024


@dataclass(frozen=True)
class LogFile:
    """An uploaded log file: its name and content."""

    name: str
    content: bytes


class HealthChecksBackend:
    """Every recorded health check, oldest first, with the log files kept by check id."""

    def __init__(self, seed: SeedData, number: int, clock: Clock) -> None:
        self.clock = clock
        self.checks: list[Record] = []
        self.logs: dict[str, LogFile] = {}
        self.reset(seed, number)

    def reset(self, seed: SeedData, number: int) -> None:
        """Hold the seeded week of checks of a freshly seeded site (seed ``number``)."""
        rng = random.Random(f"health-checks-{number}")
        now = self.clock.moment().replace(microsecond=0)
        checks: list[Record] = []
        environments = list(seed.environments.values())
        issue_night = rng.randrange(1, 7)
        for days_ago in range(7, 0, -1):
            for environment in environments:
                standby = environment["environmentStatus"] != "Active"
                health = 2 if standby else (3 if days_ago == issue_night else 1)
                at = now - timedelta(days=days_ago, minutes=rng.randrange(0, 120))
                checks.append(_check(rng, environment, health, "smoke", at, "ci@example.com"))
        for hours_ago in range(24, 0, -1):
            for environment in environments:
                if environment["isSharedEnvironment"]:
                    at = now - timedelta(hours=hours_ago)
                    check = _check(rng, environment, 1, "docker check", at, "ci@example.com")
                    checks.append(check)
        checks.sort(key=lambda check: check["recordedOn"])
        self.checks = checks
        self.logs = {}

    def record(
        self,
        environment: Record | None,
        fields: dict[str, Any],
        log: LogFile | None,
        username: str,
        model: ModelState,
    ) -> Record:
        """Record one check: ``fields`` holds the form's ``health`` and ``testName``;
        ``environment`` the environment the form's id names (None: not found, added to
        ``model`` by the caller). Every broken rule is in one 400 (:class:`Invalid`)."""
        # What the request's validation found already is not said twice.
        health = None if model.has("health") else _health(fields.get("health"), model)
        test_name = str(fields.get("testName") or "").strip()
        if model.has("testName"):
            pass
        elif not test_name:
            model.add("testName", "The testName field is required.")
        elif len(test_name) > 255:
            model.add("testName", "The testName field must be at most 255 characters.")
        if log is not None:
            if len(log.content) > MAX_LOG_BYTES:
                model.add(
                    "logFile",
                    f"The log file is {len(log.content)} bytes; at most {MAX_LOG_BYTES} are taken.",
                )
            else:
                try:
                    log.content.decode("utf-8")
                except UnicodeDecodeError:
                    model.add("logFile", "The log file must be a text file (UTF-8).")
        model.check()
        assert environment is not None
        assert health is not None
        moment = self.clock.moment().replace(microsecond=0)
        check = _check(None, environment, health, test_name, moment, username)
        if log is not None:
            check["logFileName"] = log.name
            check["logFileSize"] = len(log.content)
            self.logs[check["id"]] = log
        self.checks.append(check)
        return check

    def history(self, environment_ids: list[str]) -> list[Record]:
        """Every check of those environments, newest first."""
        wanted = {value.lower() for value in environment_ids}
        found = [c for c in self.checks if c["environmentId"].lower() in wanted]
        return found[::-1]

    def current(self, environment_ids: list[str]) -> list[Record]:
        """The latest check per environment and test name of the last 7 days, newest first."""
        oldest = iso_plain(self.clock.moment() - VALID_FOR)
        latest: dict[tuple[str, str], Record] = {}
        for check in self.history(environment_ids):
            if check["recordedOn"] < oldest:
                break
            latest.setdefault((check["environmentId"].lower(), check["testName"].lower()), check)
        return list(latest.values())


def _health(value: Any, model: ModelState) -> int | None:
    text = str(value).strip() if value is not None else ""
    if not text:
        model.add("health", "The health field is required.")
        return None
    if not text.lstrip("-").isdigit() or not 0 <= int(text) <= 3:
        model.add(
            "health",
            f"The value '{text}' is not valid for health: 0 (Unknown), 1 (Online), 2 (Offline) "
            "or 3 (Issue).",
        )
        return None
    return int(text)


def _check(
    rng: random.Random | None,
    environment: Record,
    health: int,
    test_name: str,
    at: Any,
    username: str,
) -> Record:
    if rng is None:
        check_id = str(uuid.uuid4())
    else:
        check_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    return {
        "id": check_id,
        "environmentId": environment["id"],
        "environment": environment["name"],
        "health": health,
        "healthName": HEALTH_NAMES[health],
        "testName": test_name,
        "logFileName": None,
        "logFileSize": None,
        "recordedBy": username,
        "recordedOn": iso_plain(at),
    }
