"""The pytest plugin, tested with pytester in subprocesses (the entry point loads it)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.conftest import running_plutora_sim

ROOT = Path(__file__).resolve().parents[2]
SECRET = "Quokka-Client-Secret-4412"
PASSWORD = "Quokka-Password-9917"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("PLUTORA_"):
            monkeypatch.delenv(key)


def _outcomes(result: pytest.RunResult) -> dict[str, int]:
    return result.parseoutcomes()


SHOW_CONFIG = """
def test_show(plutora_config):
    print("RETRIES", plutora_config.retries, "VERIFY", plutora_config.verify_tls)
    print("REGION-URL", plutora_config.plutora.api_url)
    print("TIMEOUT", plutora_config.read_timeout)
    print("VALIDATE", plutora_config.validate_responses)
"""


def test_command_line_wins_over_ini_over_environment(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(SHOW_CONFIG)
    monkeypatch.setenv("PLUTORA_REGION", "us")
    monkeypatch.setenv("PLUTORA_READ_TIMEOUT", "11")
    result = pytester.runpytest_subprocess("-s")
    result.stdout.fnmatch_lines(
        ["*REGION-URL https://usapi.plutora.com*", "*TIMEOUT 11.0*", "*VALIDATE True*"]
    )
    pytester.makeini(
        "[pytest]\nplutora_region = uk\nplutora_read_timeout = 22\nplutora_validate_responses = false\n"
    )
    result = pytester.runpytest_subprocess("-s")
    result.stdout.fnmatch_lines(
        ["*REGION-URL https://ukapi.plutora.com*", "*TIMEOUT 22.0*", "*VALIDATE False*"]
    )
    result = pytester.runpytest_subprocess(
        "-s", "--plutora-region", "au", "--plutora-read-timeout", "33", "--plutora-validate",
        "--plutora-retries", "0", "--plutora-verify-tls", "false",
    )  # fmt: skip
    result.stdout.fnmatch_lines(
        [
            "*RETRIES 0 VERIFY False*",
            "*REGION-URL https://auapi.plutora.com*",
            "*TIMEOUT 33.0*",
            "*VALIDATE True*",
        ]
    )


def test_bad_settings_fail_with_every_problem(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(SHOW_CONFIG)
    result = pytester.runpytest_subprocess(
        "--plutora-region", "mars", "--plutora-read-timeout", "soon"
    )
    result.stdout.fnmatch_lines(
        [
            "*region (--plutora-region) must be one of us, uk, au, eu, not 'mars'*",
            "*read_timeout (--plutora-read-timeout) must be a number*",
        ]
    )
    assert _outcomes(result) == {"errors": 1}
    assert "During handling" not in result.stdout.str()


def test_secrets_are_not_options_but_a_file_can_hold_them(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess("--plutora-client-secret", "x")
    assert result.ret != 0
    secrets = pytester.path / "plutora.env"
    secrets.write_text(f"PLUTORA_CLIENT_SECRET={SECRET}\nexport PLUTORA_PASSWORD='{PASSWORD}'\n")
    secrets.chmod(0o600)
    pytester.makepyfile(
        f"""
def test_secrets(plutora_config):
    credentials = plutora_config.plutora.credentials
    assert credentials.client_secret == "{SECRET}" and credentials.password == "{PASSWORD}"
    assert "{SECRET}" not in repr(plutora_config)
"""
    )
    result = pytester.runpytest_subprocess(
        "--plutora-secrets-file",
        str(secrets),
        "--plutora-region",
        "us",
        "--plutora-client-id",
        "id",
        "--plutora-username",
        "u@example.com",
    )
    assert _outcomes(result) == {"passed": 1}
    secrets.chmod(0o644)
    result = pytester.runpytest_subprocess("--plutora-secrets-file", str(secrets))
    result.stdout.fnmatch_lines(["*is readable by others: chmod 600 it*"])


def test_without_credentials_the_fixtures_skip_and_say_what_to_set(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
def test_plutora(plutora):
    pass

def test_plutora_test(plutora_test):
    pass

def test_simulator(plutora_simulator):
    pass
"""
    )
    result = pytester.runpytest_subprocess("-rs")
    assert _outcomes(result) == {"skipped": 3}
    result.stdout.fnmatch_lines(
        [
            "*Plutora is not configured*PLUTORA_CLIENT_ID*--plutora-sim*",
            "*needs the Plutora simulator: run with --plutora-sim*",
        ]
    )


def test_with_plutora_required_a_product_not_configured_fails(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
def test_plutora(plutora):
    pass

def test_plutora_test(plutora_test):
    pass
"""
    )
    result = pytester.runpytest_subprocess("--plutora-required")
    assert _outcomes(result) == {"errors": 2}, result.stdout.str()[-2000:]
    result.stdout.fnmatch_lines(
        ["*Plutora is not configured*PLUTORA_CLIENT_ID*--plutora-required makes that a failure*"]
    )
    pytester.makeini("[pytest]\nplutora_required = true\n")
    assert _outcomes(pytester.runpytest_subprocess()) == {"errors": 2}


def test_the_example_module_passes_offline_with_plutora_sim(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_examples=(ROOT / "tests" / "examples" / "test_plutora_examples.py").read_text()
    )
    result = pytester.runpytest_subprocess("--plutora-sim", "-p", "no:cacheprovider")
    assert _outcomes(result) == {"passed": 7}, result.stdout.str()[-3000:]


def test_plutora_cleanup_deletes_what_a_test_created_and_warns_of_what_it_could_not(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
from PlutoraLibrary.core import where

def test_creates_and_keeps(plutora):
    source = plutora.releases(
        where("plutoraReleaseType").equals("Independent") & where("status").equals("Draft")
    )[0]
    plutora.copy_release(source["id"], name="Kept", identifier="KEPT-1")

def test_creates(plutora_cleanup):
    source = plutora_cleanup.releases(
        where("plutoraReleaseType").equals("Independent") & where("status").equals("Draft")
    )[0]
    plutora_cleanup.copy_release(source["id"], name="Cleaned", identifier="CLEANED-1")
    layer = plutora_cleanup.hosts()[0]["layers"][0]
    plutora_cleanup.created.add("/layers/" + layer["id"], "an undeletable layer")

def test_after(plutora):
    assert plutora.releases(where("identifier").equals("CLEANED-1")) == []
    assert len(plutora.releases(where("identifier").equals("KEPT-1"))) == 1
    assert len(plutora.created) == 2  # the earlier test's copy and the undeletable layer
"""
    )
    result = pytester.runpytest_subprocess(
        "--plutora-sim", "-p", "no:cacheprovider", "-p", "no:randomly"
    )
    assert _outcomes(result) == {"passed": 3, "warnings": 1}, result.stdout.str()[-3000:]
    result.stdout.fnmatch_lines(["*PlutoraCleanupWarning*Could not delete 1*an undeletable layer*"])


def test_a_failed_test_shows_its_calls_with_every_attempt(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
def test_fails_after_a_retried_read(plutora, plutora_faults):
    plutora_faults.inject("/releases$", status=503, count=2)
    assert plutora.releases() == []
"""
    )
    result = pytester.runpytest_subprocess("--plutora-sim", "-p", "no:cacheprovider")
    assert _outcomes(result) == {"failed": 1}, result.stdout.str()[-3000:]
    result.stdout.fnmatch_lines(
        [
            "*Captured log call*",
            "*GET /plutora/api/releases → 200 after 3 attempts: 503 (*), 503 (*), 200 (*)*",
        ]
    )


def test_a_tests_unused_faults_end_with_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
import pytest
from PlutoraLibrary.core import AccessDenied

def test_leaves_two_faults_unused(plutora, plutora_faults):
    fault = plutora_faults.inject("/me$", status=403, count=3)
    assert fault["id"] > 0
    with pytest.raises(AccessDenied):
        plutora.current_user()

def test_is_not_hit_by_them(plutora, plutora_simulator):
    assert plutora.current_user() == "qa.lead@example.com"
    assert plutora_simulator.control.inject_fault("/other$")["path"] == "/other$"

def test_remove_unused_says_which_and_leaves_other_faults_alone(plutora_faults, plutora_simulator):
    first = plutora_faults.inject("/first$")["id"]
    assert plutora_faults.remove_unused() == [first]
    assert [f["path"] for f in plutora_simulator.control.faults()] == ["/other$"]
    assert repr(plutora_faults) == "InjectedFaults(0 injected)"
"""
    )
    result = pytester.runpytest_subprocess(
        "--plutora-sim", "-p", "no:cacheprovider", "-p", "no:randomly"
    )
    assert _outcomes(result) == {"passed": 3}, result.stdout.str()[-3000:]


def test_simulator_marked_tests_skip_without_the_simulator(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
import pytest

@pytest.mark.plutora_simulator
def test_needs_controls():
    pass
"""
    )
    result = pytester.runpytest_subprocess("-rs")
    assert _outcomes(result) == {"skipped": 1}


@pytest.fixture
def external_simulator(tmp_path: Path) -> Iterator[dict[str, str]]:
    """``plutora sim`` accepting distinctive credentials, as a real site would."""
    settings = (
        f'[[api_keys]]\nclient_id = "qk-client"\nclient_secret = "{SECRET}"\nproduct = "plutora"\n'
        f'[[users]]\nusername = "quokka@example.com"\npassword = "{PASSWORD}"\nproduct = "plutora"\n'
        f'[[api_keys]]\nclient_id = "qk-test-client"\nclient_secret = "{SECRET}"\n'
        'product = "plutora-test"\n'
        f'[[users]]\nusername = "quokka@example.com"\npassword = "{PASSWORD}"\n'
        'product = "plutora-test"\n'
    )
    with running_plutora_sim(tmp_path, settings) as urls:
        yield urls


def _site(monkeypatch: pytest.MonkeyPatch, urls: dict[str, str]) -> None:
    for prefix, client_id, product in (
        ("PLUTORA_", "qk-client", "plutora"),
        ("PLUTORA_TEST_", "qk-test-client", "plutora_test"),
    ):
        monkeypatch.setenv(f"{prefix}AUTH_URL", urls[f"{product}_token_url"])
        monkeypatch.setenv(f"{prefix}API_URL", urls[f"{product}_api_url"])
        monkeypatch.setenv(f"{prefix}CLIENT_ID", client_id)
        monkeypatch.setenv(f"{prefix}CLIENT_SECRET", SECRET)
        monkeypatch.setenv(f"{prefix}USERNAME", "quokka@example.com")
        monkeypatch.setenv(f"{prefix}PASSWORD", PASSWORD)


MANY_TESTS = """
import pytest

@pytest.mark.parametrize("n", range(12))
def test_me(plutora, n):
    assert plutora.current_user() == "quokka@example.com"

@pytest.mark.parametrize("n", range(8))
def test_defects(plutora_test, n):
    assert plutora_test.search_defects(page_size=1).items
"""


def test_xdist_workers_share_one_token_grant(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, external_simulator: dict[str, str]
) -> None:
    _site(monkeypatch, external_simulator)
    pytester.makepyfile(MANY_TESTS)
    result = pytester.runpytest_subprocess("-n", "4", "-p", "no:cacheprovider")
    assert _outcomes(result) == {"passed": 20}, result.stdout.str()[-3000:]
    counters = requests.get(external_simulator["control_url"] + "/counters", timeout=10).json()
    assert counters["tokenGrants"] == {"qk-client": 1, "qk-test-client": 1}  # one per product
    assert counters["requests"]["GET /plutora/api/me"] == {"200": 12}


def _run_folders(temporary: Path) -> list[str]:
    """The run folders (token sharing) the plugin left in ``temporary``, at any depth."""
    return sorted(str(path) for path in temporary.rglob("plutora-run-*"))


def test_xdist_with_the_bundled_simulator(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(
        """
import pytest

@pytest.mark.parametrize("n", range(8))
def test_me(plutora, plutora_simulator, n):
    assert plutora.current_user() == "qa.lead@example.com"

def test_one_grant_so_far(plutora, plutora_simulator):
    plutora.current_user()
    assert plutora_simulator.control.counters()["tokenGrants"]["sim-plutora-client"] == 1
"""
    )
    temporary = pytester.path / "tmp"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))
    result = pytester.runpytest_subprocess("-n", "4", "--plutora-sim", "-p", "no:cacheprovider")
    assert _outcomes(result) == {"passed": 9}, result.stdout.str()[-3000:]
    assert _run_folders(temporary) == []  # the controller removes the run folder at the end


def test_no_secret_in_pytest_output_junit_or_allure(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, external_simulator: dict[str, str]
) -> None:
    _site(monkeypatch, external_simulator)
    pytester.makepyfile(
        """
import logging
from PlutoraLibrary.core import where

def test_passes(plutora, plutora_token, plutora_config):
    assert plutora.releases(where("status").equals("Draft"))

def test_fails_with_locals(plutora, plutora_token, plutora_config):
    token, config, client = plutora_token, plutora_config, plutora
    logging.getLogger("PlutoraLibrary.http").warning("the token is %s", token)
    assert plutora.current_user() == "someone.else@example.com", (token, config, client)
"""
    )
    allure_dir = pytester.path / "allure"
    junit = pytester.path / "junit.xml"
    temporary = pytester.path / "tmp"  # whatever the run (and its token sharing) leaves there
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))
    result = pytester.runpytest_subprocess(
        "-vv",
        "-l",
        "--log-level=DEBUG",
        f"--alluredir={allure_dir}",
        f"--junitxml={junit}",
        "-p",
        "no:cacheprovider",
        "-n",
        "2",
    )
    assert _outcomes(result) == {"passed": 1, "failed": 1}
    issued = requests.get(external_simulator["control_url"] + "/tokens/issued", timeout=10).json()
    assert issued
    texts = [result.stdout.str(), result.stderr.str(), junit.read_text()]
    texts += [path.read_text(errors="replace") for path in allure_dir.iterdir()]
    texts += [path.read_text(errors="replace") for path in temporary.rglob("*") if path.is_file()]
    steps = [json.loads(path.read_text()) for path in allure_dir.glob("*-result.json")]
    assert any(
        step["name"].startswith("GET /plutora/api/releases")
        for result_file in steps
        for step in result_file.get("steps", [])
    )
    everything = "\n".join(texts)
    assert "GET /plutora/api/releases" in everything
    for secret in [SECRET, PASSWORD, *issued]:
        assert secret not in everything
    assert _run_folders(temporary) == []


def test_a_failed_comparison_of_user_switches_shows_no_password(
    pytester: pytest.Pytester,
) -> None:
    # pytest diffs two NamedTuples field by field: the password fields must not be shown.
    pytester.makepyfile(
        """
from PlutoraLibrary.core import Product
from PlutoraLibrary.core.secret import SecretText
from PlutoraLibrary.keywords.scopes import UserSwitch

def test_switches():
    # Built from parts: the traceback shows this source.
    one = UserSwitch(Product.PLUTORA, "a@example.com", SecretText("Hunter-" + "Pass-1"), "test")
    two = UserSwitch(Product.PLUTORA, "a@example.com", SecretText("Other-" + "Pass-2"), "test")
    assert one == two
"""
    )
    result = pytester.runpytest_subprocess("-vv", "-l", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    shown = result.stdout.str() + result.stderr.str()
    assert "the values are secrets" in shown
    assert "Hunter-Pass-1" not in shown
    assert "Other-Pass-2" not in shown


def test_an_unrelated_run_loads_no_client_or_simulator_and_makes_no_folder(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The entry point loads in every pytest run of the environment: a project that uses no
    Plutora fixture or option must not pay for the client, the simulator or a run folder."""
    pytester.makepyfile(
        test_unrelated="""
import sys

def test_nothing_of_plutora_is_loaded():
    assert "pytest_plutora.plugin" in sys.modules  # the plugin is active...
    heavy = {
        "requests", "urllib3", "allure", "allure_commons", "robot", "aiohttp", "cryptography",
        "jsonschema", "jsonschema_rs", "pyrate_limiter", "filelock", "dotenv",
    }
    loaded = sorted(name for name in sys.modules if name.split(".")[0] in heavy)
    assert loaded == []
    assert "PlutoraLibrary.simulator.server" not in sys.modules
    ours = sorted(name for name in sys.modules if name.startswith("PlutoraLibrary."))
    assert ours == ["PlutoraLibrary.core", "PlutoraLibrary.core.settings"]  # the options' table
"""
    )
    temporary = pytester.path / "tmp"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))
    # Only this plugin: the environment's other plugins (allure-pytest, schemathesis, …) load
    # requests, allure and jsonschema-rs themselves and would hide a regression of ours.
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    result = pytester.runpytest_subprocess(
        "-p", "pytest_plutora.plugin", "-p", "no:cacheprovider", "-p", "no:randomly"
    )
    assert _outcomes(result) == {"passed": 1}, result.stdout.str()[-3000:]
    assert list(temporary.iterdir()) == []


def test_the_run_folder_is_made_only_by_a_fixture_and_removed_at_the_end(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(
        """
import os

def test_folder(plutora, plutora_config):
    plutora.current_user()
    assert os.path.isdir(plutora_config.token_cache_dir)
    assert os.path.basename(plutora_config.token_cache_dir).startswith("plutora-run-")
"""
    )
    temporary = pytester.path / "tmp"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))
    result = pytester.runpytest_subprocess("--plutora-sim", "-p", "no:cacheprovider")
    assert _outcomes(result) == {"passed": 1}, result.stdout.str()[-3000:]
    assert [path.name for path in temporary.iterdir() if path.name.startswith("plutora")] == []


RECORDED_RUN = """
def test_reads(plutora, plutora_test):
    assert plutora.current_user()
    assert plutora.release_page(0, 3).items
    assert plutora_test.search_defects(page_size=2).items
"""


def test_plutora_record_and_drift_under_xdist(pytester: pytest.Pytester, tmp_path: Path) -> None:
    pytester.makepyfile(test_one=RECORDED_RUN, test_two=RECORDED_RUN)
    recording = tmp_path / "run.ndjson"
    result = pytester.runpytest_subprocess(
        "--plutora-sim", "-n", "2", "-p", "no:cacheprovider",
        "--plutora-record", str(recording), "--plutora-drift", str(recording),
        "--plutora-drift-baseline", str(recording), "--plutora-drift-fail-on", "all",
    )  # fmt: skip
    assert result.ret == 0, result.stdout.str()
    result.stdout.fnmatch_lines(["*Plutora drift*", "*No failing drift*"])
    lines = recording.read_text(encoding="utf-8").splitlines()
    assert sum('"format":"plutora-recording"' in line for line in lines) == 1
    paths = [json.loads(line)["path"] for line in lines[1:]]
    assert paths.count("/me") == 2  # one per test, from both workers
    assert paths.count("/defects/search") == 2
    assert "Sim-Password-1" not in recording.read_text(encoding="utf-8")


def test_failing_drift_fails_the_run_and_no_recording_is_a_usage_error(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    pytester.makepyfile("def test_nothing():\n    pass\n")
    drifted = tmp_path / "drifted.ndjson"
    drifted.write_text(
        '{"format":"plutora-recording","version":1}\n'
        '{"api":"plutora","kind":"api","method":"GET","path":"/me","query":{},"status":418,'
        '"response":{"body":"x"}}\n',
        encoding="utf-8",
    )
    result = pytester.runpytest_subprocess(
        "--plutora-drift", str(drifted), "-p", "no:cacheprovider"
    )
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*FAIL status*418*"])
    missing = pytester.runpytest_subprocess("--plutora-drift", str(tmp_path / "none.ndjson"))
    assert missing.ret == pytest.ExitCode.USAGE_ERROR
    missing.stdout.fnmatch_lines(["*--plutora-drift: Cannot read the recording*"])


def test_plutora_read_only_refuses_writes_before_sending(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
import pytest
from PlutoraLibrary.core import ReadOnlyRefused

def test_reads_only(plutora):
    layer = plutora.hosts()[0]["layers"][0]
    with pytest.raises(ReadOnlyRefused, match="PLUTORA_READ_ONLY"):
        plutora.call("PUT", "layers/" + layer["id"], json=layer)
    assert plutora.search_releases().items
"""
    )
    result = pytester.runpytest_subprocess(
        "--plutora-sim", "--plutora-read-only=true", "-p", "no:cacheprovider"
    )
    assert _outcomes(result) == {"passed": 1}, result.stdout.str()[-3000:]


def test_a_test_path_after_a_true_false_option_is_refused_not_taken_silently(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_one="def test_one():\n    pass\n")
    result = pytester.runpytest_subprocess("--plutora-read-only", "test_one.py")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*'test_one.py' is not true or false*--plutora-read-only=true*"])
    assert pytester.runpytest_subprocess("test_one.py", "--plutora-read-only").ret == 0
