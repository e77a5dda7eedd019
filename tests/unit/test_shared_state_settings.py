"""The shared-state settings without a server: the run id from each CI system, the URL's
checks, a password in the URL (environment only, moved out, never shown), the namespace."""

from __future__ import annotations

import sys

import pytest

from PlutoraLibrary.core import ConfigurationError, PlutoraConfig, SharedStateUnavailable
from PlutoraLibrary.core.config import ci_run_id
from PlutoraLibrary.core.shared_state import SharedState

BASE = {"PLUTORA_REGION": "uk"}


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("GITHUB_RUN_ID", "9876543210"),
        ("CI_PIPELINE_ID", "4242"),
        ("BUILD_TAG", "jenkins-suite-17"),
        ("BUILD_BUILDID", "311"),
    ],
)
def test_the_run_id_defaults_to_the_ci_systems(variable: str, value: str) -> None:
    config = PlutoraConfig.from_env({**BASE, variable: value})
    assert config.run_id == f"{variable}-{value}"
    assert PlutoraConfig.from_env({**BASE, variable: value, "PLUTORA_RUN_ID": "mine"}).run_id == (
        "mine"
    )


def test_no_ci_no_run_id() -> None:
    assert ci_run_id({}) is None
    assert PlutoraConfig.from_env(BASE).run_id is None


@pytest.mark.parametrize(
    "bad",
    ["localhost:6379", "http://cache:6379/0", "redis://", "redis://cache:port/0", "redis://c/x"],
)
def test_a_wrong_url_is_one_clear_line(bad: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        PlutoraConfig.from_env({**BASE, "PLUTORA_SHARED_STATE_URL": bad})
    (problem,) = caught.value.problems
    assert "PLUTORA_SHARED_STATE_URL" in problem
    assert "redis://" in problem


def test_a_password_in_the_url_is_moved_out_and_masked() -> None:
    env = {**BASE, "PLUTORA_SHARED_STATE_URL": "rediss://ci:S3cret%2Fpw@cache.example.com:6380/1"}
    config = PlutoraConfig.from_env(env)
    assert config.shared_state_url == "rediss://ci@cache.example.com:6380/1"
    assert str(config.shared_state_password) == "S3cret/pw"
    assert "S3cret" not in repr(config)
    with pytest.raises(ConfigurationError) as caught:  # as an argument: refused, masked
        PlutoraConfig.from_env(BASE, shared_state_url=env["PLUTORA_SHARED_STATE_URL"])
    assert "S3cret" not in str(caught.value)
    assert "rediss://***@cache.example.com:6380/1" in str(caught.value)
    with pytest.raises(ConfigurationError, match="give it once"):
        PlutoraConfig.from_env({**env, "PLUTORA_SHARED_STATE_PASSWORD": "other"})


def test_a_password_setting_is_never_shown() -> None:
    config = PlutoraConfig.from_env(
        {
            **BASE,
            "PLUTORA_SHARED_STATE_URL": "redis://cache:6379/0",
            "PLUTORA_SHARED_STATE_PASSWORD": "Pw-Not-Shown-9",
        }
    )
    assert "Pw-Not-Shown-9" not in repr(config)
    assert config.share_tokens is False  # the default: one grant per machine


def test_keys_are_named_per_run_site_and_product() -> None:
    config = PlutoraConfig.from_env(BASE)
    state = SharedState("redis://cache:6379/0", None, 1.0, run_id="GITHUB_RUN_ID-7")
    assert state.namespace(config.plutora) == "plutora:GITHUB_RUN_ID-7:ukapi.plutora.com:plutora"
    assert state.namespace(config.plutora_test) == (
        "plutora:GITHUB_RUN_ID-7:apips.plutora.com:plutora-test"
    )
    assert (
        SharedState("redis://cache/0", None, 1.0).namespace(config.plutora).startswith("plutora:-:")
    )


def test_without_redis_py_the_error_says_which_extra_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)  # as if not installed
    with pytest.raises(SharedStateUnavailable) as caught:
        SharedState("redis://:Pw-9@cache:6379/0", "Pw-9", 1.0)
    assert "robotframework-plutora[redis]" in str(caught.value)
    assert "Pw-9" not in str(caught.value)
