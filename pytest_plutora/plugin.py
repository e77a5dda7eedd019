"""The pytest plugin of robotframework-plutora (registered through the ``pytest11`` entry point).

Fixtures so far:

- ``plutora_simulator``: a running simulator for the whole session (its URLs, its state and
  in-process controls), started on a free loopback port and stopped at the end.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from PlutoraLibrary.simulator import PlutoraSimulator


@pytest.fixture(scope="session")
def plutora_simulator() -> Iterator[PlutoraSimulator]:
    """A simulator running for the whole test session.

    Example::

        def test_token_url(plutora_simulator):
            assert plutora_simulator.urls.plutora_token_url.endswith("/plutora/oauth/token")
    """
    with PlutoraSimulator() as simulator:
        yield simulator
