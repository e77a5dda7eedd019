"""A client of the simulator's ``/_sim`` control API, for any process of a test run.

The Robot keywords and the pytest fixtures use it, so that a simulator started by another
process (``plutora sim``, a suite's ``__init__.robot``) can be driven too.

Example::

    control = SimulatorControl("http://127.0.0.1:8080")
    control.inject_fault("/releases$", kind="status", status=503, count=2)
    control.counters()["tokenGrants"]
"""

from __future__ import annotations

from typing import Any

import requests


class SimulatorControlError(RuntimeError):
    """The control API refused a call (``status``; None when it did not answer); the message
    quotes its reason."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class SimulatorControl:
    """Calls the control API of the simulator at ``base_url`` (its address, without ``/_sim``)."""

    def __init__(self, base_url: str, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.session.trust_env = False  # a loopback simulator is never behind the user's proxy

    def __repr__(self) -> str:
        return f"SimulatorControl({self.base_url})"

    def close(self) -> None:
        """Close the connection. Example: ``control.close()``."""
        self.session.close()

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        url = f"{self.base_url}/_sim{path}"
        try:
            answer = self.session.request(method, url, json=body, timeout=self.timeout)
        except requests.RequestException as error:
            raise SimulatorControlError(
                f"The simulator's control API at {url} did not answer ({type(error).__name__}). "
                "Is the simulator running at that address?"
            ) from None
        if answer.status_code >= 400:
            try:
                reason = answer.json().get("message", answer.text)
            except ValueError:
                reason = answer.text
            raise SimulatorControlError(
                f"{method} {url} answered {answer.status_code}: {reason}", answer.status_code
            )
        return answer.json() if answer.content else None

    def reset(self, tokens: bool = False) -> None:
        """Back to the seeded state (tokens kept unless asked). Example: ``control.reset()``."""
        self._call("POST", "/reset", {"tokens": tokens})

    def settings(self, **changes: Any) -> dict[str, Any]:
        """Read, or change, run-time settings. Example: ``control.settings(rateLimit=300)``."""
        if changes:
            return dict(self._call("PUT", "/settings", changes))
        return dict(self._call("GET", "/settings"))

    def add_user(self, username: str, password: str, product: str = "plutora") -> None:
        """Add a throw-away user. Example: ``control.add_user("temp@example.com", "pw")``."""
        self._call(
            "POST", "/users", {"username": username, "password": password, "product": product}
        )

    def unlock_user(self, username: str, product: str | None = None) -> bool:
        """Unlock a user; returns whether it was locked. Example: ``control.unlock_user("x")``."""
        body: dict[str, Any] = {"username": username}
        if product:
            body["product"] = product
        return bool(self._call("POST", "/users/unlock", body)["wasLocked"])

    def expire_tokens(self, user: str | None = None) -> int:
        """Expire every issued token (of ``user`` only, if given) now.
        Example: ``control.expire_tokens(user="temp@example.com")``."""
        body = {"user": user} if user else None
        return int(self._call("POST", "/tokens/expire", body)["expired"])

    def issued_tokens(self) -> list[str]:
        """Every access and refresh token issued. Example: ``control.issued_tokens()``."""
        return list(self._call("GET", "/tokens/issued"))

    def advance_clock(self, seconds: float) -> dict[str, Any]:
        """Move the simulator's clock forward. Example: ``control.advance_clock(12001)``."""
        return dict(self._call("POST", "/clock/advance", {"seconds": seconds}))

    def inject_fault(self, path: str, kind: str = "status", **details: Any) -> dict[str, Any]:
        """Queue a fault for the next matching requests (see ``docs/simulator.md``).

        Example: ``control.inject_fault("/me", kind="rate_limit", retryAfter=2, count=3)``
        """
        body = {"path": path, "kind": kind, **{k: v for k, v in details.items() if v is not None}}
        return dict(self._call("POST", "/faults", body))

    def faults(self) -> list[dict[str, Any]]:
        """The faults still queued, oldest first. Example: ``control.faults()[0]["remaining"]``."""
        return list(self._call("GET", "/faults"))

    def clear_faults(self) -> None:
        """Forget every queued fault. Example: ``control.clear_faults()``."""
        self._call("DELETE", "/faults")

    def remove_fault(self, fault_id: int) -> bool:
        """Forget one queued fault by the ``id`` that :meth:`inject_fault` returned; False if
        it was already used up or removed.

        Example: ``control.remove_fault(control.inject_fault("/me", count=3)["id"])``
        """
        try:
            self._call("DELETE", f"/faults/{int(fault_id)}")
        except SimulatorControlError as error:
            if error.status == 404:
                return False
            raise
        return True

    def counters(self) -> dict[str, Any]:
        """Grants, logins, requests per route and status, 429s. Example: ``control.counters()``."""
        return dict(self._call("GET", "/counters"))

    def reset_counters(self) -> None:
        """Start counting afresh. Example: ``control.reset_counters()``."""
        self._call("POST", "/counters/reset")
