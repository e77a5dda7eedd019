"""The wheel carries the contract files, and they load from wherever the package is installed."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from PlutoraLibrary import contract

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_wheel_ships_both_contract_files(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("robotframework_plutora-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for api in contract.APIS:
        assert f"PlutoraLibrary/contract/{api}.openapi.json" in names
    assert not any("core/schemas/" in name for name in names)


def test_each_contract_is_parsed_once_per_process() -> None:
    contract.document.cache_clear()
    first = contract.document("plutora")
    assert contract.document("plutora") is first
    assert contract.path_of("plutora").parent == Path(contract.__file__).parent
