"""Fixtures for the core client's tests: clients configured only with the simulator's URLs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from PlutoraLibrary.core import PlutoraClient, PlutoraConfig, PlutoraTestClient
from PlutoraLibrary.simulator import PlutoraSimulator


def config_for(sim: PlutoraSimulator, **options: Any) -> PlutoraConfig:
    """A configuration that knows the simulator only by its URLs, as a real site."""
    urls = sim.urls
    settings: dict[str, Any] = {
        "client_id": "sim-plutora-client",
        "client_secret": "sim-plutora-secret",
        "username": "qa.lead@example.com",
        "password": "Sim-Password-1",
        "auth_url": urls.plutora_token_url,
        "api_url": urls.plutora_api_url,
        "test_client_id": "sim-plutora-test-client",
        "test_client_secret": "sim-plutora-test-secret",
        "test_username": "qa.lead@example.com",
        "test_password": "Sim-Password-1",
        "test_auth_url": urls.plutora_test_token_url,
        "test_api_url": urls.plutora_test_api_url,
    }
    return PlutoraConfig.from_env({}, **{**settings, **options})


@pytest.fixture
def config(sim: PlutoraSimulator) -> PlutoraConfig:
    return config_for(sim)


@pytest.fixture
def client(config: PlutoraConfig) -> Iterator[PlutoraClient]:
    with PlutoraClient(config) as plutora:
        yield plutora


@pytest.fixture
def test_client(config: PlutoraConfig) -> Iterator[PlutoraTestClient]:
    with PlutoraTestClient(config) as plutora_test:
        yield plutora_test
