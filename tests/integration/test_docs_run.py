"""Docs that run: every example in a keyword's documentation (its ``| … |`` table) and every
example in README.md runs against the simulator.

Keyword examples become one generated Robot suite, a test per keyword: the keyword's example
rows, after a small prelude (``PRELUDES``) giving the example's variables (``${id}``, …), run
against ``plutora sim`` through ``PLUTORA_SIMULATOR_URL``. README's blocks run by their
language (``README_RUNNERS``): bash through ``bash -e``, Python with ``python`` (with
``pytest --plutora-sim`` when it holds tests), TOML through the simulator's settings loader,
Robot Framework with ``robot``; the address ``http://127.0.0.1:8080`` of the examples is
replaced by the started simulator's.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple
from xml.etree import ElementTree

import pytest

from PlutoraLibrary.simulator import load_config
from tests.conftest import SIM_CREDENTIALS, running_plutora_sim

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
EXAMPLE_URL = "http://127.0.0.1:8080"
PASSWORD = "Docs-Password-8"
#: A recording of one answered ``GET /me``, for the examples that read one.
RECORDING = (
    '{"format":"plutora-recording","version":1}\\n{"api":"plutora","kind":"api",'
    '"method":"GET","path":"/me","query":{},"status":200,"response":{"body":"qa@example.com"}}'
)
#: What an example needs before it runs: Robot rows (cells separated by four spaces) that set
#: the variables its rows use. Each generated test starts from a reset simulator.
TEMP_USER = "Add Simulator User    temp@example.com    ${PASSWORD}"
_RELEASE_ID = ["${releases} =    Get Releases", "VAR    ${id}    ${releases}[0][id]"]
_ENVIRONMENT_ID = [
    "${environments} =    Get Environments",
    "VAR    ${id}    ${environments}[0][id]",
]
_NEW_ENVIRONMENT = [
    "${dev} =    Get Lookup Id    UsedForWorkItem    Dev",
    "${active} =    Get Lookup Id    EnvironmentStatus    Active",
    "${env} =    Create Environment    SIT9    usageWorkItemId=${dev}    "
    "environmentStatusId=${active}",
]
_DRAFT_RELEASE = [
    "${drafts} =    Get Releases    `releaseStatusType` Equals `Draft` AND "
    "`plutoraReleaseType` Equals `Independent`",
    "VAR    ${id}    ${drafts}[0][id]",
]
_RELEASE_SYSTEM = [
    *_DRAFT_RELEASE,
    "${systems} =    Get Release Systems    ${id}",
    "VAR    ${system}    ${systems}[0][systemId]",
    "${dates} =    Get Deployment Dates    ${id}    ${system}",
]
_NEW_DATE = (
    "${date} =    Add Deployment Date    ${id}    ${system}    2026-03-01T10:00    2026-03-01T11:00"
)
_NEW_SYSTEM = [
    "${top} =    Get Organization Tree",
    "${new} =    Create System    Docs System    In-house    ${top}[id]",
    "VAR    ${id}    ${new}[id]",
]


def _stakeholder_release(draft: int, added: bool = False) -> list[str]:
    """A draft release (each example its own, so that one's stakeholder is not another's),
    ``${me}`` the logged-in user (who owns no release), added as a stakeholder when asked."""
    rows = [
        _DRAFT_RELEASE[0],
        f"VAR    ${{id}}    ${{drafts}}[{draft}][id]",
        "${release} =    Get Release    ${id}",
        "${me} =    Get Id By Name    users    qa.lead@example.com",
    ]
    if added:
        rows.append("Add Stakeholder    release    ${id}    user_id=${me}    roles=Tester")
    return rows


_NEW_RELEASE = "${release} =    Create Release    R-DOCS    Docs release    2027-01-31"
_NEW_RELEASE_AND_CHANGE = [
    _NEW_RELEASE,
    "VAR    ${id}    ${release}[id]",
    "${changes} =    Get Changes",
    "VAR    ${change}    ${changes}[0][id]",
]
_FRAMEWORK = [
    *_DRAFT_RELEASE,
    "${phases} =    Get Release Phases    ${id}",
    "VAR    ${phase}    ${phases}[0][workItemName]",
    "${activities} =    Get Release Activities    ${id}",
    "VAR    ${activity}    ${activities}[0][id]",
]
_NEW_PHASE = [
    *_DRAFT_RELEASE,
    "Add Phase To Release    ${id}    Post Implementation Review    2026-04-01    2026-04-10",
]
_NEW_GATE = [
    *_DRAFT_RELEASE,
    "Add Gate To Release    ${id}    Test Exit    2026-04-10    2026-04-10",
]
PRELUDES: dict[str, list[str]] = {
    "Call Plutora API": ["${hosts} =    Get Hosts", "VAR    ${id}    ${hosts}[0][layers][0][id]"],
    "Delete Created Items": [
        "${drafts} =    Get Releases    `releaseStatusType` Equals `Draft` AND "
        "`plutoraReleaseType` Equals `Independent`",
        "Copy Release    ${drafts}[0][id]    name=Docs copy    identifier=DOCS-COPY-1",
    ],
    "Create Host": _NEW_ENVIRONMENT,
    "Rename Host": [*_NEW_ENVIRONMENT, "${host} =    Create Host    ${env}[id]    sit9-web-1"],
    "Delete Host": [*_NEW_ENVIRONMENT, "${host} =    Create Host    ${env}[id]    sit9-web-1"],
    "Delete Environment": _NEW_ENVIRONMENT,
    "Update Environment": _ENVIRONMENT_ID,
    "Post Health Check": [
        *_ENVIRONMENT_ID,
        "Create File    ${CURDIR}/smoke.log    GET /health 200",
    ],
    "Get Current Health": _ENVIRONMENT_ID,
    "Get Health History": _ENVIRONMENT_ID,
    "Get Release Systems": _DRAFT_RELEASE,
    "Add System To Release": _DRAFT_RELEASE,
    "Set Deployment Status": _RELEASE_SYSTEM,
    "Remove System From Release": _RELEASE_SYSTEM,
    "Get Deployment Dates": _RELEASE_SYSTEM,
    "Add Deployment Date": _RELEASE_SYSTEM,
    "Update Deployment Date": [*_RELEASE_SYSTEM, _NEW_DATE],
    "Delete Deployment Date": [*_RELEASE_SYSTEM, _NEW_DATE],
    "Get TECR": ["${tecrs} =    Get TECRs"],
    "Get TECR Linked Changes": ["${tecrs} =    Get TECRs"],
    "Update Change": ["${changes} =    Get Changes", "VAR    ${id}    ${changes}[0][id]"],
    "Delete Change": ["${changes} =    Get Changes", "VAR    ${id}    ${changes}[0][id]"],
    "Link Change To Release": [
        "${changes} =    Get Changes",
        "VAR    ${id}    ${changes}[0][id]",
        *_DRAFT_RELEASE[:1],
        "VAR    ${release}    ${drafts}[0][id]",
    ],
    "Get Custom Field": _RELEASE_ID,
    "Get Custom Fields": _RELEASE_ID,
    "Set Custom Fields": _RELEASE_ID,
    "Copy Release": [
        "${drafts} =    Get Releases    `releaseStatusType` Equals `Draft` AND "
        "`plutoraReleaseType` Equals `Independent`",
        "VAR    ${source}    ${drafts}[0]",
    ],
    "Expire Tokens": [TEMP_USER],
    "Get Change": ["${changes} =    Get Changes", "VAR    ${id}    ${changes}[0][id]"],
    "Get Defect": [
        "${open} =    Search Defects    Status    Equals    Open",
        "VAR    ${id}    ${open}[0][Id]",
    ],
    "Get Environment": ["${environments} =    Get Environments"],
    "Get Token": ["VAR    ${WRONG_SECRET: Secret}    %{WRONG_SECRET=not-the-secret}"],
    "Get Host": ["${hosts} =    Get Hosts", "VAR    ${id}    ${hosts}[0][id]"],
    "Get Hosts": [
        "${environments} =    Get Environments",
        "VAR    ${environment}    ${environments}[0]",
    ],
    "Get Layers": ["${hosts} =    Get Hosts", "VAR    ${host}    ${hosts}[0]"],
    "Get Release": [
        "${independent} =    Get Releases    `plutoraReleaseType` Equals `Independent`",
        "VAR    ${id}    ${independent}[0][id]",
    ],
    "Patch Defect": [
        "${open} =    Search Defects    Status    Equals    Open",
        "VAR    ${id}    ${open}[0][Id]",
    ],
    "Should Match Schema": [
        "${releases} =    Get Releases",
        "VAR    ${id}    ${releases}[0][id]",
        "${defects} =    Search Defects",
        "${data} =    Get Release    ${id}",
        'Create File    ${CURDIR}/schemas/my-release.json    {"type": "object", "required": ["id"]}',
    ],
    "Start Plutora Simulator": [
        "Create File    ${CURDIR}/sim.toml    seed = 7",
        f"Create File    ${{CURDIR}}/site.ndjson    {RECORDING}",
    ],
    "Recording Should Match Contract": [
        f"Create File    ${{OUTPUT DIR}}/site.ndjson    {RECORDING}",
        f"Create File    ${{CURDIR}}/site.ndjson    {RECORDING}",
    ],
    "Stop Plutora Simulator": ["Start Plutora Simulator"],
    "Unlock Simulator User": [TEMP_USER],
    "Use Plutora User": [
        TEMP_USER,
        "Add Simulator User    temp@example.com    ${PASSWORD}    Plutora Test",
    ],
    "Update System": _NEW_SYSTEM,
    "Delete System": [*_NEW_SYSTEM[:2], "VAR    ${system}    ${new}"],
    "Update Organization": [
        "${top} =    Get Organization Tree",
        "${org} =    Create Organization    Docs Team    Department    ${top}[id]",
        "VAR    ${id}    ${org}[id]",
    ],
    "Get Stakeholders": _DRAFT_RELEASE,
    "Get Stakeholder": _stakeholder_release(0),
    "Add Stakeholder": _stakeholder_release(1),
    "Update Stakeholder": _stakeholder_release(2, added=True),
    "Remove Stakeholder": _stakeholder_release(3, added=True),
    "Update Release": _DRAFT_RELEASE,
    "Delete Release": [_NEW_RELEASE],
    "Get Release Changes": [
        *_DRAFT_RELEASE,
        "${changes} =    Get Changes",
        "Link Change To Release    ${changes}[0][id]    ${id}",
    ],
    "Remove Change From Release": [
        *_NEW_RELEASE_AND_CHANGE,
        "Link Change To Release    ${change}    ${id}",
    ],
    "Get Linked Items": [_NEW_RELEASE, "VAR    ${id}    ${release}[id]"],
    "Link Items": [
        _NEW_RELEASE,
        "VAR    ${id}    ${release}[id]",
        *_DRAFT_RELEASE[:1],
        "VAR    ${other}    ${drafts}[0][id]",
    ],
    "Unlink Item": [
        _NEW_RELEASE,
        "VAR    ${id}    ${release}[id]",
        *_DRAFT_RELEASE[:1],
        "${link} =    Link Items    release    ${id}    ${drafts}[0][id]",
    ],
    "Get Release Phases": _DRAFT_RELEASE,
    "Get Release Gates": _DRAFT_RELEASE,
    "Add Phase To Release": _DRAFT_RELEASE,
    "Add Gate To Release": _DRAFT_RELEASE,
    "Update Release Phase": _NEW_PHASE,
    "Remove Phase From Release": _NEW_PHASE,
    "Update Release Gate": _NEW_GATE,
    "Remove Gate From Release": _NEW_GATE,
    "Get Release Activities": _DRAFT_RELEASE,
    "Get Release Phase": [*_FRAMEWORK, "VAR    ${phase_name}    ${phase}"],
    "Get Release Gate": _DRAFT_RELEASE,
    "Get Release Activity": _FRAMEWORK,
    "Book Environment For Phase": _FRAMEWORK,
    "Add Release Activity": _FRAMEWORK,
    "Update Release Activity": _FRAMEWORK,
    "Set Activity Status": _FRAMEWORK,
    "Delete Release Activity": _FRAMEWORK,
    # Change systems, comments and users (issue 18).
    "Get Change Systems": ["${changes} =    Get Changes", "VAR    ${id}    ${changes}[0][id]"],
    "Add System To Change": ["${changes} =    Get Changes", "VAR    ${id}    ${changes}[0][id]"],
    "Remove System From Change": [
        "${changes} =    Get Changes",
        "VAR    ${id}    ${changes}[0][id]",
        "${systems} =    Get Change Systems    ${id}",
        "VAR    ${system}    ${systems}[0][systemId]",
    ],
    "Get Comments": _DRAFT_RELEASE,
    "Add Comment": _DRAFT_RELEASE,
}
#: Examples that leave the shared simulator: the test's teardown comes back to it.
BACK = "Run Keywords    Stop Plutora Simulator    AND    Use Plutora Simulator    %{PLUTORA_SIMULATOR_URL}"
TEARDOWNS: dict[str, str] = {
    "Start Plutora Simulator": BACK,
    "Stop Plutora Simulator": BACK,
    "Use Plutora Simulator": BACK,
}
#: A first cell naming a setting (``| Suite Teardown | Close Plutora Connections |``): the row
#: runs the keyword that follows it.
SETTING_CELLS = {"Suite Setup", "Suite Teardown", "Test Setup", "Test Teardown"}


def example_rows(doc: str) -> list[str]:
    """The ``| … |`` rows of a keyword's documentation as Robot rows.

    Example: ``example_rows("| Get Host | ${id} |")`` gives ``["Get Host    ${id}"]``.
    """
    rows = []
    for line in doc.splitlines():
        line = line.strip()
        if not (line.startswith("|") and line.endswith("|")):
            continue
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line[1:-1])]
        if cells and cells[0] in SETTING_CELLS:
            cells = cells[1:]
        rows.append("    ".join(cell for cell in cells if cell))
    return rows


SUITE_SETTINGS = [
    "*** Settings ***",
    "Library    OperatingSystem",
    "Library    PlutoraLibrary",
    "Test Setup    Reset Simulator",
    "",
    "*** Variables ***",
    "${PASSWORD: Secret}    %{DOCS_PASSWORD}",
    "",
]


def keyword_examples_suite() -> tuple[dict[str, str], list[str]]:
    """The generated suite, as files of a folder, and the names of its tests (one per
    keyword). Each keyword's examples are a suite of their own, so that what an example does
    with ``scope=Suite`` ends with its keyword's suite instead of lasting into the next
    keyword's; the folder's ``__init__.robot`` points the library at the simulator once."""
    from robot.libdocpkg import LibraryDocumentation

    library = LibraryDocumentation("PlutoraLibrary")
    files = {
        "__init__.robot": "\n".join(
            [
                "*** Settings ***",
                "Library    PlutoraLibrary",
                "Suite Setup    Use Plutora Simulator    %{PLUTORA_SIMULATOR_URL}",
                "",
            ]
        )
    }
    names = []
    for number, keyword in enumerate(library.keywords, start=1):
        names.append(keyword.name)
        lines = [*SUITE_SETTINGS, "*** Test Cases ***", keyword.name]
        if keyword.name in TEARDOWNS:
            lines.append(f"    [Teardown]    {TEARDOWNS[keyword.name]}")
        rows = PRELUDES.get(keyword.name, []) + example_rows(keyword.doc)
        lines += [f"    {row}" for row in rows]
        lines.append("")
        # "001__Name.robot": run in this order, the suite named after the keyword.
        files[f"{number:03d}__{keyword.name.replace(' ', '_')}.robot"] = "\n".join(lines)
    return files, names


@pytest.fixture(scope="module")
def shared_sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """``plutora sim`` in its own process, for every example of this module."""
    with running_plutora_sim(tmp_path_factory.mktemp("sim")) as urls:
        yield urls


def _environment(urls: dict[str, str]) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PLUTORA_")}
    env |= {"PLUTORA_SIMULATOR_URL": urls["base"], "DOCS_PASSWORD": PASSWORD}
    return env


def _failures(output: Path) -> list[str]:
    root = ElementTree.parse(output).getroot()  # noqa: S314 - our own output
    failed = []
    for test in root.iter("test"):
        status = test.find("status")
        if status is not None and status.get("status") != "PASS":
            failed.append(f"{test.get('name')}: {status.text}")
    return failed


def test_every_keyword_documentation_example_runs(
    shared_sim: dict[str, str], tmp_path: Path
) -> None:
    files, names = keyword_examples_suite()
    suite = tmp_path / "keyword_examples"
    suite.mkdir()
    for name, text in files.items():
        (suite / name).write_text(text, encoding="utf-8")
    assert len(names) >= 30
    assert len(files) == len(names) + 1  # a suite per keyword, and the folder's init file
    result = subprocess.run(
        [sys.executable, "-m", "robot", "--outputdir", str(tmp_path / "out"), "--loglevel",
         "DEBUG", str(suite)],
        cwd=ROOT, env=_environment(shared_sim), capture_output=True, text=True, timeout=300,
        check=False,
    )  # fmt: skip
    failed = _failures(tmp_path / "out" / "output.xml")
    assert failed == [], "\n".join(failed) + f"\nthe suite: {suite}"
    root = ElementTree.parse(tmp_path / "out" / "output.xml").getroot()  # noqa: S314 - ours
    suites = [suite for suite in root.iter("suite") if suite.findall("test")]
    assert [[test.get("name") for test in suite.findall("test")] for suite in suites] == [
        [name] for name in names
    ]  # one suite per keyword: a Suite scope ends with the keyword's examples
    assert result.returncode == 0, result.stdout[-3000:]


class Block(NamedTuple):
    """A fenced block of README.md."""

    line: int
    language: str
    text: str


def readme_blocks() -> list[Block]:
    """README's fenced blocks, but the quick start's: CI runs those two commands itself
    (``.ci/run``), and the acceptance suite's run is a test of its own."""
    text = README.read_text(encoding="utf-8")
    quick_start = text.index("## Quick start")
    after = text.index("\n## ", quick_start + 1)
    blocks = []
    for match in re.finditer(r"^```(\w*)\n(.*?)^```", text, re.S | re.M):
        if quick_start <= match.start() < after:
            continue
        line = text.count("\n", 0, match.start()) + 1
        blocks.append(Block(line, match.group(1), match.group(2)))
    return blocks


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> None:
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=180, check=False
    )
    assert result.returncode == 0, f"{command}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"


def _run_bash(block: Block, folder: Path, env: dict[str, str]) -> None:
    script = folder / "example.sh"
    script.write_text("set -euo pipefail\n" + block.text, encoding="utf-8")
    _run(
        ["bash", str(script)],
        folder,
        env | {"PATH": f"{Path(sys.executable).parent}:{env['PATH']}"},
    )


def _run_python(block: Block, folder: Path, env: dict[str, str]) -> None:
    if "def test_" in block.text:  # pytest's tests, with the plugin's simulator
        (folder / "test_example.py").write_text(block.text, encoding="utf-8")
        _run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--plutora-sim",
              "test_example.py"], folder, env)  # fmt: skip
    else:
        (folder / "example.py").write_text(block.text, encoding="utf-8")
        _run([sys.executable, "example.py"], folder, env)


def _run_toml(block: Block, folder: Path, env: dict[str, str]) -> None:
    path = folder / "sim.toml"
    path.write_text(block.text, encoding="utf-8")
    load_config(path)  # raises, naming every problem, when the example is wrong


def _run_robot(block: Block, folder: Path, env: dict[str, str]) -> None:
    # The example is written for a real site: its settings point the library at the simulator.
    text = block.text.replace(
        "*** Settings ***\n",
        "*** Settings ***\nSuite Setup    Use Plutora Simulator    %{PLUTORA_SIMULATOR_URL}\n",
    )
    (folder / "example.robot").write_text(text, encoding="utf-8")
    _run([sys.executable, "-m", "robot", "--outputdir", str(folder / "out"), "example.robot"],
         folder, env | SIM_CREDENTIALS)  # fmt: skip


#: How a block runs, by its language; ``console`` blocks show output and do not run.
README_RUNNERS: dict[str, Callable[[Block, Path, dict[str, str]], None] | None] = {
    "bash": _run_bash,
    "python": _run_python,
    "toml": _run_toml,
    "robotframework": _run_robot,
    "console": None,
}


def test_every_readme_block_has_a_runner() -> None:
    assert {block.language for block in readme_blocks()} <= set(README_RUNNERS)


@pytest.mark.parametrize(
    "block",
    [block for block in readme_blocks() if README_RUNNERS.get(block.language)],
    ids=lambda block: f"README line {block.line} ({block.language})",
)
def test_every_readme_example_runs(
    block: Block, shared_sim: dict[str, str], tmp_path: Path
) -> None:
    runner = README_RUNNERS[block.language]
    assert runner is not None
    block = block._replace(text=block.text.replace(EXAMPLE_URL, shared_sim["base"]))
    runner(block, tmp_path, _environment(shared_sim))
