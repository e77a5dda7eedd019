"""The change, comment and user examples (tests/examples/test_change_comments_users_examples.py)
run as a user runs them: copied into a fresh project, offline with ``--plutora-sim``; the
system added to a change is gone afterwards (``plutora_cleanup``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AFTER = """
def test_the_change_has_only_its_own_systems_again(plutora):
    change = plutora.changes()[0]
    assert len(plutora.change_systems(change["id"])) == len(change["systems"]) == 2
"""


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("PLUTORA_"):
            monkeypatch.delenv(key)


def test_the_change_comment_and_user_examples_pass_offline(pytester: pytest.Pytester) -> None:
    examples = ROOT / "tests" / "examples" / "test_change_comments_users_examples.py"
    pytester.makepyfile(test_a_examples=examples.read_text(), test_b_after=AFTER)
    result = pytester.runpytest_subprocess(
        "--plutora-sim", "-p", "no:cacheprovider", "-p", "no:randomly"
    )
    assert result.parseoutcomes() == {"passed": 5}, result.stdout.str()[-3000:]
