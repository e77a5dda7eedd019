"""The systems, organizations and stakeholders examples
(tests/examples/test_systems_and_stakeholders_examples.py) run as a user runs them: copied
into a fresh project, offline with ``--plutora-sim``; what they built is gone afterwards
(``plutora_cleanup``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AFTER = """
from PlutoraLibrary.core import where

def test_what_the_examples_built_is_gone(plutora):
    assert [s for s in plutora.systems() if s["name"] == "PYTEST-SYSTEM"] == []
    release = plutora.releases(
        where("plutoraReleaseType").equals("Independent") & where("status").equals("Draft")
    )[0]
    me = plutora.id_of("users", plutora.current_user())
    assert me not in [s["id"] for s in plutora.stakeholders("release", release["id"])]
"""


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("PLUTORA_"):
            monkeypatch.delenv(key)


def test_the_examples_pass_offline_and_clean_up(pytester: pytest.Pytester) -> None:
    examples = ROOT / "tests" / "examples" / "test_systems_and_stakeholders_examples.py"
    pytester.makepyfile(test_a_examples=examples.read_text(), test_b_after=AFTER)
    result = pytester.runpytest_subprocess(
        "--plutora-sim", "-p", "no:cacheprovider", "-p", "no:randomly"
    )
    assert result.parseoutcomes() == {"passed": 5}, result.stdout.str()[-3000:]
