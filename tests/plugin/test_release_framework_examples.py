"""The release framework examples (tests/examples/test_release_framework_examples.py) run as
a user runs them: copied into a fresh project, offline with ``--plutora-sim``; the release
they planned is gone afterwards (``plutora_cleanup``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AFTER = """
def test_the_release_planned_for_the_run_is_gone(plutora):
    assert [r for r in plutora.releases() if r["identifier"] == "PYTEST-PLAN"] == []
"""


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("PLUTORA_"):
            monkeypatch.delenv(key)


def test_the_release_framework_examples_pass_offline_and_clean_up(
    pytester: pytest.Pytester,
) -> None:
    examples = ROOT / "tests" / "examples" / "test_release_framework_examples.py"
    pytester.makepyfile(test_a_examples=examples.read_text(), test_b_after=AFTER)
    result = pytester.runpytest_subprocess(
        "--plutora-sim", "-p", "no:cacheprovider", "-p", "no:randomly"
    )
    assert result.parseoutcomes() == {"passed": 4}, result.stdout.str()[-3000:]
