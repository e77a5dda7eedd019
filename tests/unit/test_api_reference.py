"""docs/api-reference.md is generated from the contract and kept in step with it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from PlutoraLibrary import contract
from PlutoraLibrary.contract.reference import is_ours, render

ROOT = Path(__file__).resolve().parents[2]


def test_the_reference_page_is_the_contract() -> None:
    page = ROOT / "docs" / "api-reference.md"
    text = render()
    if not page.exists() or page.read_text(encoding="utf-8") != text:
        page.write_text(text, encoding="utf-8")
        pytest.fail("docs/api-reference.md was out of date with the contract; rewritten: commit it")


def test_every_endpoint_and_schema_is_listed() -> None:
    text = render()
    for api in contract.APIS:
        for op in contract.operations(api):
            assert f"| `{op.method}` | `{op.path}` |" in text
        for name in contract.document(api)["components"]["schemas"]:
            assert f"#### {name}\n" in text


def test_a_field_known_only_by_decision_is_marked_ours() -> None:
    assert is_ours(["decided: no public source names it"])
    assert is_ours([])
    assert not is_ours(["decided: a default", "primer: p.4"])
    decided = [
        (name, prop)
        for name, node in contract.document("plutora")["components"]["schemas"].items()
        for prop, value in node.get("properties", {}).items()
        if value.get("x-evidence") and is_ours(value["x-evidence"])
    ]
    text = render()
    for name, prop in decided:
        section = text.split(f"#### {name}\n", 1)[1].split("#### ", 1)[0]
        row = next(line for line in section.splitlines() if line.startswith(f"| `{prop}` |"))
        assert "**ours**" in row


def test_the_module_prints_the_page() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "PlutoraLibrary.contract.reference"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    assert printed == render()
