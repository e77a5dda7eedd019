"""Where a running simulator answers: plain strings, built without loading the server
(aiohttp), so that pointing a client at a simulator (``config_for_simulator``, ``Use Plutora
Simulator``, the ``plutora_simulator`` fixture) costs nothing in each pabot process or xdist
worker.

Example::

    SimulatorUrls.for_base("http://127.0.0.1:8080").control_url  # 'http://127.0.0.1:8080/_sim'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

__all__ = ["SimulatorUrls"]


@dataclass(frozen=True)
class SimulatorUrls:
    """Where a running simulator answers; give these to any Plutora client."""

    base: str
    plutora_token_url: str
    plutora_api_url: str
    plutora_test_token_url: str
    plutora_test_api_url: str
    swagger_url: str
    control_url: str
    #: With TLS: the certificate authority a client must trust (a PEM file); else None.
    ca_file: str | None = None

    @classmethod
    def for_base(cls, base: str, ca_file: str | None = None) -> SimulatorUrls:
        """The URLs of the one-port layout at ``base``. Example:
        ``SimulatorUrls.for_base("http://127.0.0.1:8080").plutora_api_url`` is
        ``"http://127.0.0.1:8080/plutora/api"``."""
        return cls(
            base=base,
            plutora_token_url=f"{base}/plutora/oauth/token",
            plutora_api_url=f"{base}/plutora/api",
            plutora_test_token_url=f"{base}/plutora-test/oauth/token",
            plutora_test_api_url=f"{base}/plutora-test/api",
            swagger_url=f"{base}/swagger",
            control_url=f"{base}/_sim",
            ca_file=ca_file,
        )

    @classmethod
    def for_ports(
        cls, base: str, roots: Sequence[str], ca_file: str | None = None
    ) -> SimulatorUrls:
        """The URLs of the ``ports`` layout: ``base`` serves Swagger and the control API,
        ``roots`` are the four ports' roots in ``server.PORT_PARTS`` order. Example::

            SimulatorUrls.for_ports("http://h:80", ["http://h:81", "http://h:82",
                                    "http://h:83", "http://h:84"]).plutora_api_url
            # 'http://h:82'
        """
        token, api, test_token, test_api = roots
        return cls(
            base=base,
            plutora_token_url=f"{token}/oauth/token",
            plutora_api_url=api,
            plutora_test_token_url=f"{test_token}/oauth/token",
            plutora_test_api_url=test_api,
            swagger_url=f"{base}/swagger",
            control_url=f"{base}/_sim",
            ca_file=ca_file,
        )

    def as_dict(self) -> dict[str, str]:
        """The URLs by field name, e.g. for a JSON ready file."""
        return asdict(self)
