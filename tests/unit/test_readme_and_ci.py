"""The README's quick start and CI must not drift apart."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block is not None
    return [line for line in block.group(1).splitlines() if line and not line.startswith("#")]


def test_the_quick_start_has_exactly_two_commands() -> None:
    commands = _quick_start_commands()
    assert len(commands) == 2
    assert "robot" in commands[0]
    assert "acceptance" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_readmes_test_command_exactly() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert _quick_start_commands()[1] in ci.splitlines()


def test_each_quick_start_command_makes_its_virtual_environment_first() -> None:
    # Debian's and Ubuntu's Python refuse a bare `pip install` (PEP 668).
    for command in _quick_start_commands():
        assert command.startswith("python3 -m venv .venv && . .venv/bin/activate && "), command
        assert "python3 -m pip" not in command
