"""Recordings (#20): record a site, measure its drift, seed the simulator from it.

Every site here is a simulator over real loopback HTTP: the default one, and ones configured
to differ (extra custom fields, other lookup values, a renamed field). A recording of each
must show exactly that difference; every recording made here is scanned for secrets.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from PlutoraLibrary.core.config import PlutoraConfig
from PlutoraLibrary.core.drift import KINDS, Vocabulary, check_drift
from PlutoraLibrary.core.plutora import PlutoraClient
from PlutoraLibrary.core.recording import (
    FORMAT,
    RecordingError,
    RecordingWriter,
    read_recording,
)
from PlutoraLibrary.core.site_recording import record_site
from PlutoraLibrary.fidelity import compare_with_simulator
from PlutoraLibrary.simulator import PlutoraSimulator, SimulatorConfig
from PlutoraLibrary.simulator.site import Recorded

PASSWORD = "Sim-Password-1"
SECRETS = ("sim-plutora-secret", "sim-plutora-test-secret", PASSWORD)


def config_for(sim: PlutoraSimulator, **options: Any) -> PlutoraConfig:
    """The library configured for both products of ``sim`` with its demo credentials."""
    urls = sim.urls
    return PlutoraConfig.from_env(
        {},
        auth_url=urls.plutora_token_url, api_url=urls.plutora_api_url,
        client_id="sim-plutora-client", client_secret="sim-plutora-secret",
        username="qa.lead@example.com", password=PASSWORD,
        test_auth_url=urls.plutora_test_token_url, test_api_url=urls.plutora_test_api_url,
        test_client_id="sim-plutora-test-client", test_client_secret="sim-plutora-test-secret",
        test_username="qa.lead@example.com", test_password=PASSWORD,
        **options,
    )  # fmt: skip


@pytest.fixture
def recordings() -> Iterator[list[Path]]:
    """Every recording a test makes; after it, each is scanned for secrets: 0 hits."""
    made: list[Path] = []
    yield made
    for path in made:
        assert_no_secrets(path)


def assert_no_secrets(path: Path, issued: list[str] = ()) -> None:  # type: ignore[assignment]
    from urllib.parse import quote, quote_plus

    text = path.read_text(encoding="utf-8")
    needles = [n for secret in SECRETS for n in (secret, quote_plus(secret), quote(secret))]
    hits = [needle for needle in [*needles, *issued] if needle and needle in text]
    assert hits == [], f"{path}: secrets found"
    for exchange in read_recording(path):
        headers = exchange["request"]["headers"]
        assert headers.get("Authorization") in (None, "***")


def recorded(sim: PlutoraSimulator, path: Path, made: list[Path]) -> Path:
    made.append(path)
    results, recorder = record_site(config_for(sim), path)
    assert all(result.passed for result in results), [r for r in results if not r.passed]
    assert recorder.written > 30
    issued = requests.get(sim.urls.control_url + "/tokens/issued", timeout=10).json()
    assert_no_secrets(path, issued)
    return path


def drift_lines(path: Path, **kwargs: Any) -> set[tuple[str, str, str, tuple[str, ...]]]:
    report = check_drift(path, **kwargs)
    return {
        (line.operation, line.kind, line.path, tuple(sorted(line.details)))
        for line in report.sorted_lines()
    }


# -- recording ------------------------------------------------------------------------------


def test_a_recording_of_the_default_simulator_has_no_drift(
    tmp_path: Path, recordings: list[Path]
) -> None:
    with PlutoraSimulator(SimulatorConfig()) as sim:
        path = recorded(sim, tmp_path / "default.ndjson", recordings)
    first = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    assert first["format"] == FORMAT
    assert first["version"] == 1
    exchanges = list(read_recording(path))
    methods = {e["method"] for e in exchanges if e["kind"] == "api"}
    assert methods == {"GET", "POST"}  # POST: Plutora Test's searches only, reads
    assert {e["path"] for e in exchanges if e["method"] == "POST" and e["kind"] == "api"} == {
        "/defects/search",
        "/requirement/search",
        "/testcase/SearchWithExecutionSummary",
        "/testplan/search",
        "/categorysettings/search",
    }
    release = next(e for e in exchanges if e["path"].startswith("/releases/"))
    assert release["status"] == 200
    assert release["response"]["body"]["id"]
    assert release["response"]["headers"]["Content-Type"].startswith("application/json")
    assert release["request"]["headers"]["Authorization"] == "***"
    login = next(e for e in exchanges if e["kind"] == "login")
    assert login["response"]["body"]["access_token"] == "***"
    assert "client_secret=***" in login["request"]["body"]
    report = check_drift(path)
    assert report.lines == {}, report.table()
    assert not report.failing()
    assert report.exchanges == len(exchanges)
    assert len(report.checked) >= 19


def test_the_record_setting_records_every_call_of_a_client(
    tmp_path: Path, recordings: list[Path]
) -> None:
    path = tmp_path / "calls.ndjson"
    recordings.append(path)
    with PlutoraSimulator(SimulatorConfig()) as sim:
        config = config_for(sim, record=str(path))
        with PlutoraClient(config) as client:
            client.current_user()
            client.release_page(0, 3)
        with PlutoraClient(config) as again:  # a second client appends; one format line
            again.lookup_types()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert sum(FORMAT in line for line in lines) == 1
    paths = [e["path"] for e in read_recording(path)]
    assert paths == ["/oauth/token", "/me", "/releases", "/oauth/token", "/lookupfields"]
    releases = list(read_recording(path))[2]
    assert releases["query"] == {"pageNum": "0", "recordsPerPage": "3"}
    assert check_drift(path).lines == {}


def test_parallel_processes_append_whole_lines_under_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "shared.ndjson"
    script = (
        "import sys\n"
        "from PlutoraLibrary.core.recording import RecordingWriter\n"
        "writer = RecordingWriter(sys.argv[1])\n"
        "for n in range(200):\n"
        "    writer.append([{'method': 'GET', 'path': '/me', 'status': 200, 'query': {},\n"
        "                    'response': {'body': 'x' * 5000 + sys.argv[2]}}])\n"
    )
    processes = [
        subprocess.Popen([sys.executable, "-c", script, str(path), str(n)]) for n in range(4)
    ]
    assert [p.wait(timeout=120) for p in processes] == [0, 0, 0, 0]
    exchanges = list(read_recording(path))
    assert len(exchanges) == 800
    assert sum(FORMAT in line for line in path.read_text(encoding="utf-8").splitlines()) == 1


def test_an_injected_fault_echoing_secrets_leaves_none_in_the_recording(
    tmp_path: Path, recordings: list[Path]
) -> None:
    path = tmp_path / "echo.ndjson"
    recordings.append(path)
    echo = {
        "message": f"Bad client secret sim-plutora-secret, password {PASSWORD}",
        "access_token": "leaked", "password": PASSWORD,
    }  # fmt: skip
    with PlutoraSimulator(SimulatorConfig()) as sim:
        for where, status in (("/plutora/api/releases", 500), ("/plutora/api/me", 503)):
            answer = requests.post(
                sim.urls.control_url + "/faults",
                json={"path": where, "kind": "status", "status": status, "body": echo,
                      "count": 1},
                timeout=10,
            )  # fmt: skip
            assert answer.status_code == 201, answer.text
        results, _ = record_site(config_for(sim), path)
        issued = requests.get(sim.urls.control_url + "/tokens/issued", timeout=10).json()
    assert not all(r.passed for r in results)  # the 500 failed a read; it is recorded
    assert_no_secrets(path, issued)
    echoed = [e for e in read_recording(path) if e["status"] in (500, 503)]
    assert {e["status"] for e in echoed} == {500, 503}
    assert "***" in json.dumps(echoed[0]["response"]["body"])
    report = check_drift(path)
    # GET /releases lists a 500 (ErrorServer: {message}); GET /me lists no 503.
    assert {(line.operation, line.kind, line.path) for line in report.sorted_lines()} == {
        ("GET /me", "status", "—"),
        ("GET /releases", "new", "$.access_token"),
        ("GET /releases", "new", "$.password"),
    }


def test_pseudonymised_recordings_hold_no_address(tmp_path: Path, recordings: list[Path]) -> None:
    path = tmp_path / "pseudo.ndjson"
    recordings.append(path)
    with PlutoraSimulator(SimulatorConfig()) as sim:
        record_site(config_for(sim), path, pseudonymise=True)
    text = path.read_text(encoding="utf-8")
    assert "@example.com" not in text
    me = [e for e in read_recording(path) if e["path"] == "/me"]
    assert me[0]["response"]["body"] == me[1]["response"]["body"]  # the same user, the same
    assert me[0]["response"]["body"].endswith("@example.invalid")
    assert check_drift(path).lines == {}


# -- drift of sites configured otherwise ----------------------------------------------------


def test_extra_custom_fields_and_other_lookup_values_are_exactly_the_drift(
    tmp_path: Path, recordings: list[Path]
) -> None:
    site = SimulatorConfig(
        extra_custom_fields=("Cost Centre",),
        lookup_values=(("ReleaseRiskLevel", ("Low", "Moderate", "Severe")),),
    )
    with PlutoraSimulator(site) as sim:
        path = recorded(sim, tmp_path / "custom.ndjson", recordings)
    found = drift_lines(path)
    assert found == {
        ("GET /lookupfields/{type}", "lookup", "ReleaseRiskLevel", ("Moderate", "Severe")),
        ("GET /releases/{id}", "custom field", "Release", ("Cost Centre",)),
    }
    assert not check_drift(path).failing()  # reported, not failing by default
    assert check_drift(path, fail_on={"lookup"}).failing()


def test_a_renamed_field_is_a_missing_field_and_a_new_one(
    tmp_path: Path, recordings: list[Path]
) -> None:
    site = SimulatorConfig(renamed_fields=(("implementationDate", "implementationDateUtc"),))
    with PlutoraSimulator(site) as sim:
        path = tmp_path / "renamed.ndjson"
        recordings.append(path)
        record_site(config_for(sim), path)
    found = drift_lines(path)
    assert found == {
        ("GET /releases", "missing", "$.resultSet[*].implementationDate", ()),
        ("GET /releases", "new", "$.resultSet[*].implementationDateUtc", ("string",)),
        ("GET /releases/{id}", "missing", "$.implementationDate", ()),
        ("GET /releases/{id}", "new", "$.implementationDateUtc", ("string",)),
    }
    assert check_drift(path).failing()


def test_a_baseline_recording_is_the_vocabulary_compared_with(
    tmp_path: Path, recordings: list[Path]
) -> None:
    site = SimulatorConfig(extra_custom_fields=("Cost Centre",))
    with PlutoraSimulator(site) as sim:
        path = recorded(sim, tmp_path / "tonight.ndjson", recordings)
    assert drift_lines(path, baseline=Vocabulary.of_recording(path)) == set()


# -- the command ------------------------------------------------------------------------------


def _plutora(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "PlutoraLibrary.cli", *args],
        capture_output=True, text=True, timeout=300, env=env, check=False,
    )  # fmt: skip


def _environment(sim: PlutoraSimulator) -> dict[str, str]:
    urls = sim.urls
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLUTORA_")}
    env.update(
        PLUTORA_AUTH_URL=urls.plutora_token_url, PLUTORA_API_URL=urls.plutora_api_url,
        PLUTORA_CLIENT_ID="sim-plutora-client", PLUTORA_CLIENT_SECRET="sim-plutora-secret",
        PLUTORA_USERNAME="qa.lead@example.com", PLUTORA_PASSWORD=PASSWORD,
    )  # fmt: skip
    return env


def test_plutora_record_and_drift_exit_codes(tmp_path: Path, recordings: list[Path]) -> None:
    path = tmp_path / "cli.ndjson"
    recordings.append(path)
    with PlutoraSimulator(SimulatorConfig()) as sim:
        done = _plutora("record", str(path), env=_environment(sim))
        assert done.returncode == 0, done.stderr
        assert "exchange(s) recorded" in done.stdout
        assert "Plutora Test was not recorded" in done.stderr
        # A read-only run: reads, and searches (POSTs that change nothing), only.
        sent = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()[1:]]
        assert sent
        assert all(
            item["method"] == "GET" or item["path"].endswith(("/search", "/filter", "/token"))
            for item in sent
        ), sorted({(item["method"], item["path"]) for item in sent})
        fails = _plutora("record", str(tmp_path / "no" / "such" / "x.ndjson"),
                         env=_environment(sim))  # fmt: skip
        assert fails.returncode == 2
        assert "Cannot write the recording" in fails.stderr
    bad_settings = _plutora("record", str(tmp_path / "x.ndjson"), env={"PATH": os.environ["PATH"]})
    assert bad_settings.returncode == 2
    assert "Nothing to record" in bad_settings.stderr
    clean = _plutora("drift", str(path))
    assert clean.returncode == 0, clean.stdout
    assert "No failing drift" in clean.stdout
    report = json.loads(_plutora("drift", str(path), "--format", "json").stdout)
    assert report["failing"] is False
    assert set(report["counts"]) == set(KINDS)
    junit = _plutora("drift", str(path), "--format", "junit").stdout
    assert junit.startswith("<?xml")
    assert 'name="GET /releases/{id}"' in junit
    broken = tmp_path / "broken.ndjson"
    broken.write_text(path.read_text(encoding="utf-8") + "{not json\n", encoding="utf-8")
    unreadable = _plutora("drift", str(broken))
    assert unreadable.returncode == 2
    assert "line" in unreadable.stderr
    assert _plutora("drift", str(tmp_path / "none.ndjson")).returncode == 2
    assert _plutora("drift", str(path), "--fail-on", "nonsense").returncode == 2
    assert _plutora("drift", str(path), "--fail-on", "new").returncode == 0
    gap = _plutora("drift", str(path), "--against-simulator")
    assert gap.returncode == 0, gap.stdout + gap.stderr
    assert "Shape of the simulator's answers against the site's" in gap.stdout
    both = json.loads(
        _plutora("drift", str(path), "--against-simulator", "--format", "json").stdout
    )
    assert set(both) >= {"operations", "againstSimulator"}
    no_seed = _plutora("sim", "--port", "0", "--seed-from", str(tmp_path / "none.ndjson"))
    assert no_seed.returncode == 2
    assert "cannot read the recording" in no_seed.stderr


def test_plutora_drift_fails_on_failing_drift_and_2_wins(
    tmp_path: Path, recordings: list[Path]
) -> None:
    site = SimulatorConfig(renamed_fields=(("name", "title"),))
    path = tmp_path / "title.ndjson"
    recordings.append(path)
    with PlutoraSimulator(site) as sim:
        record_site(config_for(sim), path)
    failing = _plutora("drift", str(path))
    assert failing.returncode == 1
    assert "FAIL missing" in failing.stdout
    assert "$.name" in failing.stdout
    mixed = tmp_path / "mixed.ndjson"
    mixed.write_text(path.read_text(encoding="utf-8") + "[]\n", encoding="utf-8")
    assert _plutora("drift", str(mixed)).returncode == 2


def test_a_file_that_is_no_recording_is_refused_clearly(tmp_path: Path) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("hello\n", encoding="utf-8")
    with pytest.raises(RecordingError, match="is not a recording"):
        list(read_recording(other))
    with pytest.raises(RecordingError, match="is not a recording"):
        RecordingWriter(other).start()  # never appended to
    assert other.read_text(encoding="utf-8") == "hello\n"


# -- seeding ----------------------------------------------------------------------------------


def test_the_simulator_seeded_from_a_recording_speaks_the_sites_vocabulary(
    tmp_path: Path, recordings: list[Path]
) -> None:
    site = SimulatorConfig(
        seed=5,
        extra_custom_fields=("Cost Centre",),
        lookup_values=(("ReleaseRiskLevel", ("Low", "Moderate", "Severe")),),
        change_display_names="named",
    )
    with PlutoraSimulator(site) as real:
        path = recorded(real, tmp_path / "site.ndjson", recordings)
    facts = Recorded.read(path)
    # Sub-resources (a release's systems, stakeholders, linked items, a TECR's linked changes,
    # custom fields…) are not taken as records of their parent's kind.
    for kind, site_records in (
        ("releases", real.state.releases.records),
        ("changes", real.state.changes.records),
        ("systems", real.state.catalogue.systems),
        ("tecrs", real.state.requests.tecrs),
        ("tebrs", real.state.requests.tebrs),
    ):
        ids = {record["id"].lower() for record in site_records}
        assert facts.records.get(kind), kind
        assert set(facts.records[kind]) <= ids, kind
    recorded_release = next(iter(facts.records["releases"].values()))
    with PlutoraSimulator(SimulatorConfig(seed_from=str(path))) as sim:
        state = sim.state
        assert [i["value"] for i in state.catalogue.lookup("ReleaseRiskLevel")] == [
            "Low", "Moderate", "Severe",
        ]  # fmt: skip
        assert state.config.change_display_names == "named"
        release = state.releases.records.get(recorded_release["id"])
        assert release["name"] == recorded_release["name"]  # the recorded record, id kept
        assert release["releaseRiskLevel"] in ("Low", "Moderate", "Severe")
        assert release["manager"] in {person["name"] for person in state.catalogue.people.values()}
        names = {
            item["name"]
            for r in list(state.releases.records)[:50]
            for item in r["additionalInformation"]
        }
        assert "Cost Centre" in names
        generated = [r for r in state.releases.records if r["releaseRiskLevel"]]
        assert {r["releaseRiskLevel"] for r in generated} <= {"Low", "Moderate", "Severe"}
        again = tmp_path / "again.ndjson"
        recordings.append(again)
        record_site(config_for(sim), again)
    assert drift_lines(again, baseline=Vocabulary.of_recording(path)) == set()
    gap = compare_with_simulator(path)
    kinds = {line.kind for line in gap.sorted_lines()}
    assert kinds == set(), gap.table()


def test_seeding_from_a_bad_file_says_what_is_wrong(tmp_path: Path) -> None:
    from PlutoraLibrary.simulator import SimulatorConfigError
    from PlutoraLibrary.simulator.state import SimulatorState

    with pytest.raises(SimulatorConfigError, match="cannot read the recording"):
        SimulatorState(SimulatorConfig(seed_from=str(tmp_path / "none.ndjson")))
    other = tmp_path / "x.ndjson"
    other.write_text('{"hello": 1}\n', encoding="utf-8")
    with pytest.raises(SimulatorConfigError, match="is not a recording"):
        SimulatorState(SimulatorConfig(seed_from=str(other)))


def test_the_gap_shows_where_the_simulator_answers_otherwise(
    tmp_path: Path, recordings: list[Path]
) -> None:
    site = SimulatorConfig(renamed_fields=(("summary", "synopsis"),))
    with PlutoraSimulator(site) as real:
        path = tmp_path / "gap.ndjson"
        recordings.append(path)
        record_site(config_for(real), path)
    gap = compare_with_simulator(path)
    found = {(line.operation, line.kind, line.path) for line in gap.sorted_lines()}
    assert ("GET /releases/{id}", "site only", "$.synopsis") in found
    assert ("GET /releases/{id}", "simulator only", "$.summary") in found
    assert all(kind in ("site only", "simulator only") for _, kind, _ in found)


ROBOT_SUITE = """*** Settings ***
Library    PlutoraLibrary    record=${RECORDING}


*** Test Cases ***
Record Against A Simulator Seeded From A Recording
    Start Plutora Simulator    seed_from=${SEED}
    ${user} =    Get Current User
    Should Not Be Empty    ${user}
    Stop Plutora Simulator

The Recording Matches The Contract
    ${table} =    Recording Should Match Contract    ${RECORDING}    baseline=${SEED}
    Should Contain    ${table}    GET /me

A Drifted Recording Fails
    Run Keyword And Expect Error    *drifts from the contract*GET /me: type at $*
    ...    Recording Should Match Contract    ${DRIFTED}
"""


def test_robot_records_seeds_and_checks_a_recording(tmp_path: Path, recordings: list[Path]) -> None:
    seed = tmp_path / "seed.ndjson"
    with PlutoraSimulator(SimulatorConfig(extra_custom_fields=("Cost Centre",))) as sim:
        recorded(sim, seed, recordings)
    drifted = tmp_path / "drifted.ndjson"
    drifted.write_text(
        '{"format":"plutora-recording","version":1}\n'
        '{"api":"plutora","kind":"api","method":"GET","path":"/me","query":{},"status":200,'
        '"response":{"body":42}}\n',
        encoding="utf-8",
    )
    suite = tmp_path / "recordings.robot"
    suite.write_text(ROBOT_SUITE, encoding="utf-8")
    recording_file = tmp_path / "robot.ndjson"
    recordings.append(recording_file)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLUTORA_")}
    done = subprocess.run(
        [
            sys.executable, "-m", "robot", "--outputdir", str(tmp_path / "out"),
            "--variable", f"RECORDING:{recording_file}", "--variable", f"SEED:{seed}",
            "--variable", f"DRIFTED:{drifted}", str(suite),
        ],
        capture_output=True, text=True, timeout=300, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout
    paths = [e["path"] for e in read_recording(recording_file)]
    assert paths == ["/oauth/token", "/me"]
    table = (tmp_path / "out" / "output.xml").read_text(encoding="utf-8")
    # the seed's own custom fields (Cost Centre) are the baseline: nothing unknown
    assert "lookup 0, custom field 0, operation 0" in table
