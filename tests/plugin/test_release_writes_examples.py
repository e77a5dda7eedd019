"""The release examples (tests/examples/test_release_writes_examples.py) run as a user runs
them: copied into a fresh project, offline with ``--plutora-sim``; what they created is gone
afterwards (``plutora_cleanup``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AFTER = """
from PlutoraLibrary.core import SearchFilter

def test_the_releases_created_for_the_run_are_gone(plutora):
    found = plutora.search_releases([SearchFilter("identifier", "StartsWith", "PYTEST-")])
    assert found.items == []
"""


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("PLUTORA_"):
            monkeypatch.delenv(key)


def test_the_release_examples_pass_offline_and_clean_up(pytester: pytest.Pytester) -> None:
    examples = ROOT / "tests" / "examples" / "test_release_writes_examples.py"
    pytester.makepyfile(test_a_examples=examples.read_text(), test_b_after=AFTER)
    result = pytester.runpytest_subprocess(
        "--plutora-sim", "-p", "no:cacheprovider", "-p", "no:randomly"
    )
    assert result.parseoutcomes() == {"passed": 4}, result.stdout.str()[-3000:]
