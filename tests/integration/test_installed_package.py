"""The package installs as shipped: an editable install hides missing package data, so this
builds a wheel and an sdist (``python -m build``: the wheel is built from the sdist, as pip
does), installs the wheel into a clean virtual environment and runs a smoke test there, away
from the work tree: ``plutora sim``, a keyword in a tiny Robot suite, a pytest fixture under
``--plutora-sim``, and ``plutora check``. One build and one environment for the module."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import venv
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.conftest import SIM_CREDENTIALS, running_plutora_sim

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


class Installed(NamedTuple):
    """The built distributions and the environment the wheel is installed in."""

    wheel: Path
    sdist: Path
    bin: Path
    work: Path
    env: dict[str, str]


def _run(command: list[str], installed: Installed, **env: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        command,
        cwd=installed.work,
        env=installed.env | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"{command}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    (wheel,) = dist.glob("robotframework_plutora-*.whl")
    (sdist,) = dist.glob("robotframework_plutora-*.tar.gz")
    target = tmp_path_factory.mktemp("venv")
    venv.create(target, with_pip=True, clear=True)
    bin_dir = target / "bin"
    # Nothing of this checkout leaks in: no PYTHONPATH, no PLUTORA_ settings, a folder of its own.
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PLUTORA_", "PYTHON", "VIRTUAL_ENV"))
    }
    env["PATH"] = f"{bin_dir}:{env.get('PATH', '')}"
    subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
        env=env,
    )
    work = tmp_path_factory.mktemp("work")
    return Installed(wheel, sdist, bin_dir, work, env)


@pytest.fixture(scope="module")
def simulator(installed: Installed) -> Iterator[dict[str, str]]:
    """``plutora sim`` of the installed package."""
    command = [str(installed.bin / "plutora")]
    with running_plutora_sim(
        installed.work, command=command, cwd=installed.work, env=installed.env
    ) as urls:
        yield urls


def test_the_sdist_carries_the_contract_files_and_the_readme(installed: Installed) -> None:
    with tarfile.open(installed.sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {
        "README.md",
        "PlutoraLibrary/contract/plutora.openapi.json",
        "PlutoraLibrary/contract/plutora-test.openapi.json",
        "PlutoraLibrary/py.typed",
    } <= names


def test_the_installed_package_is_the_wheel_not_this_checkout(installed: Installed) -> None:
    code = "import PlutoraLibrary, pytest_plutora; print(PlutoraLibrary.__file__)"
    result = _run([str(installed.bin / "python"), "-c", code], installed)
    assert "site-packages" in result.stdout
    assert str(ROOT) not in result.stdout


def test_a_keyword_runs_against_the_installed_simulator(
    installed: Installed, simulator: dict[str, str]
) -> None:
    suite = installed.work / "smoke.robot"
    suite.write_text(
        "*** Settings ***\n"
        "Library    PlutoraLibrary\n\n"
        "*** Test Cases ***\n"
        "Releases From The Installed Library\n"
        "    Use Plutora Simulator    %{SMOKE_SIMULATOR}\n"
        "    ${releases}    Get Releases\n"
        "    Should Match Schema    ${releases}    release-list-item    shape=list\n",
        encoding="utf-8",
    )
    command = [
        str(installed.bin / "python"),
        "-m",
        "robot",
        "--outputdir",
        "robot-out",
        "smoke.robot",
    ]
    result = _run(command, installed, SMOKE_SIMULATOR=simulator["base"])
    assert "1 test, 1 passed, 0 failed" in result.stdout


def test_a_fixture_runs_under_plutora_sim(installed: Installed) -> None:
    (installed.work / "test_smoke.py").write_text(
        "def test_me(plutora):\n    assert plutora.current_user() == 'qa.lead@example.com'\n",
        encoding="utf-8",
    )
    command = [str(installed.bin / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    result = _run([*command, "--plutora-sim", "test_smoke.py"], installed)
    assert "1 passed" in result.stdout


def test_plutora_check_passes_against_the_installed_simulator(
    installed: Installed, simulator: dict[str, str]
) -> None:
    urls = {
        "PLUTORA_AUTH_URL": simulator["plutora_token_url"],
        "PLUTORA_API_URL": simulator["plutora_api_url"],
    }
    _run([str(installed.bin / "plutora"), "check"], installed, **SIM_CREDENTIALS, **urls)
