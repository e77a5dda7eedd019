"""Fixtures of the shared-state tests: one ``redis-server`` for the session (each test gets a
run id of its own, so nothing leaks between tests), and a fresh one where a test stops it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from PlutoraLibrary.core.shared_state import forget_shared_states

from .redis_server import RedisServer


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/shared_state" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.redis)


@pytest.fixture(scope="session")
def redis_server(
    tmp_path_factory: pytest.TempPathFactory, redis_server_binary: str
) -> Iterator[RedisServer]:
    with RedisServer(tmp_path_factory.mktemp("redis")) as server:
        yield server


@pytest.fixture
def run_id() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture(autouse=True)
def _fresh_connections() -> Iterator[None]:
    forget_shared_states()
    yield
    forget_shared_states()


@pytest.fixture
def own_redis(tmp_path: Path, redis_server_binary: str) -> Iterator[RedisServer]:
    """A server of this test's own (it may stop and restart it)."""
    with RedisServer(tmp_path / "redis") as server:
        yield server
