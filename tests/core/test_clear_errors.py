"""Clear errors instead of tracebacks and misleading messages (issue 11, items 5, 9-11, 15):
settings that cannot work, ids that cannot be ids, answers of the wrong shape, and messages
that say what happened. Unit tests: no network."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from PlutoraLibrary.core import ConfigurationError, PlutoraConfig
from PlutoraLibrary.core.client import path_segment
from PlutoraLibrary.core.errors import InvalidClient, RateLimited, SchemaMismatch
from PlutoraLibrary.core.paging import Page

FULL = {
    "PLUTORA_REGION": "uk",
    "PLUTORA_CLIENT_ID": "id",
    "PLUTORA_CLIENT_SECRET": "very-secret-value",
    "PLUTORA_USERNAME": "qa@example.com",
    "PLUTORA_PASSWORD": "very-secret-password",
}


def _problems(env: dict[str, str] | None = None, **arguments: object) -> list[str]:
    with pytest.raises(ConfigurationError) as caught:
        PlutoraConfig.from_env({**FULL, **(env or {})}, **arguments)
    return caught.value.problems


@pytest.mark.parametrize(
    ("variable", "value", "name"),
    [
        ("PLUTORA_READ_TIMEOUT", "nan", "read_timeout"),
        ("PLUTORA_READ_TIMEOUT", "inf", "read_timeout"),
        ("PLUTORA_CONNECT_TIMEOUT", "-inf", "connect_timeout"),
        ("PLUTORA_RATE_WINDOW", "inf", "rate_window_seconds"),
        ("PLUTORA_MAX_RETRY_WAIT", "nan", "max_retry_wait"),
        ("PLUTORA_REFRESH_MARGIN", "nan", "refresh_margin_seconds"),
    ],
)
def test_a_number_that_is_not_finite_is_one_clear_problem(
    variable: str, value: str, name: str
) -> None:
    problems = _problems({variable: value})
    assert problems == [
        f"{name} ({variable}) must be a finite number, not {value!r}; "
        f"e.g. {variable}={_default(name)}."
    ]


def _default(name: str) -> str:
    return f"{getattr(PlutoraConfig.from_env(FULL), name):g}"


def test_numbers_out_of_range_name_the_setting_and_the_limit() -> None:
    problems = _problems(
        {
            "PLUTORA_READ_TIMEOUT": "1e300",  # time.sleep / socket timeouts overflow
            "PLUTORA_RETRIES": "2.5",
            "PLUTORA_RATE_LIMIT": "-3",
            "PLUTORA_MAX_RETRY_WAIT": "0",
        }
    )
    assert "read_timeout (PLUTORA_READ_TIMEOUT) must be at most 86,400 seconds" in problems[0]
    assert "retries (PLUTORA_RETRIES) must be a whole number, not '2.5'." in problems
    assert any(p.startswith("rate_limit (PLUTORA_RATE_LIMIT) must be 0 or more") for p in problems)
    assert any(
        p.startswith("max_retry_wait (PLUTORA_MAX_RETRY_WAIT) must be more than 0 seconds")
        for p in problems
    )
    assert len(problems) == 4  # one line each, none twice


def test_a_python_argument_is_checked_as_the_environment_is() -> None:
    problems = _problems(read_timeout=float("nan"))
    assert problems == [
        "read_timeout (PLUTORA_READ_TIMEOUT) must be a finite number, not nan; "
        "e.g. PLUTORA_READ_TIMEOUT=30."
    ]


def test_a_missing_ca_bundle_is_named_before_any_call(tmp_path: Path) -> None:
    missing = tmp_path / "corp-ca.pem"
    problems = _problems({"PLUTORA_VERIFY_TLS": str(missing)})
    assert problems == [
        f"verify_tls (PLUTORA_VERIFY_TLS) names a CA bundle {str(missing)!r} that does not "
        "exist; give the path of a PEM file (or of a folder of certificates), or true / false."
    ]
    missing.write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    assert PlutoraConfig.from_env({**FULL, "PLUTORA_VERIFY_TLS": str(missing)}).verify_tls == str(
        missing
    )


def test_a_token_folder_that_is_a_file_or_below_one_is_named(tmp_path: Path) -> None:
    a_file = tmp_path / "tokens"
    a_file.write_text("", encoding="utf-8")
    problems = _problems({"PLUTORA_TOKEN_CACHE_DIR": str(a_file)})
    assert problems == [
        f"token_cache_dir (PLUTORA_TOKEN_CACHE_DIR) {str(a_file)!r} is a file, not a folder: "
        "give a folder this user can write (it is created if missing)."
    ]
    below = a_file / "run" / "x"
    (problem,) = _problems({"PLUTORA_TOKEN_CACHE_DIR": str(below)})
    assert problem.startswith(f"token_cache_dir (PLUTORA_TOKEN_CACHE_DIR) {str(below)!r} lies")
    assert f"below a file ({a_file})" in problem
    # A folder that does not exist yet is fine: it is created on first use.
    missing = tmp_path / "new" / "folder"
    assert PlutoraConfig.from_env({**FULL, "PLUTORA_TOKEN_CACHE_DIR": str(missing)})


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write any folder's permission bits")
def test_a_token_folder_the_user_cannot_write_is_named(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    (problem,) = _problems({"PLUTORA_TOKEN_CACHE_DIR": str(locked)})
    assert "is a folder this user cannot write" in problem
    (problem,) = _problems({"PLUTORA_TOKEN_CACHE_DIR": str(locked / "sub")})
    assert f"this user cannot write {locked}" in problem


def test_a_shared_folder_failing_in_use_becomes_a_configuration_error() -> None:
    from PlutoraLibrary.core.config import shared_folder_error

    config = PlutoraConfig.from_env({**FULL, "PLUTORA_TOKEN_CACHE_DIR": "/proc/x"})
    error = shared_folder_error(config, PermissionError(13, "Permission denied"))
    assert error.problems == [
        "token_cache_dir (PLUTORA_TOKEN_CACHE_DIR) '/proc/x' cannot be used: Permission denied. "
        "Give a folder this user can write (it is created if missing), or leave the setting out."
    ]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    problems = _problems(
        {
            "PLUTORA_READ_TIMEOUT": "nan",
            "PLUTORA_RATE_WINDOW": "inf",
            "PLUTORA_VERIFY_TLS": str(tmp_path / "none.pem"),
            "PLUTORA_TOKEN_CACHE_DIR": __file__,
        }
    )
    assert [p.split(" ", 1)[0] for p in problems] == [
        "read_timeout",
        "rate_window_seconds",
        "token_cache_dir",
        "verify_tls",
    ]


@pytest.mark.parametrize(
    "env",
    [
        {"PLUTORA_API_URL": "ftp://admin:pw-Xq7@host.example.com/api"},
        {"PLUTORA_AUTH_URL": "ftp://admin:pw-Xq7@host.example.com/oauth/token"},
        {"PLUTORA_API_URL": "https://admin:pw-Xq7@host.example.com/oauth/token"},
        {"PLUTORA_TEST_API_URL": "ftp://admin:pw-Xq7@host.example.com"},
    ],
)
def test_configuration_errors_mask_the_user_info_of_urls(env: dict[str, str]) -> None:
    with pytest.raises(ConfigurationError) as caught:
        PlutoraConfig.from_env({**FULL, **env})
    text = str(caught.value)
    assert "pw-Xq7" not in text
    assert "admin" not in text
    assert "***@host.example.com" in text


def test_missing_credentials_do_not_offer_arguments_the_cli_does_not_take() -> None:
    config = PlutoraConfig.from_env({"PLUTORA_REGION": "us"})
    with pytest.raises(ConfigurationError) as caught:
        config.plutora.require_credentials()
    assert "pass them as arguments" not in str(caught.value)
    assert "PLUTORA_CLIENT_ID" in str(caught.value)


# -- ids -------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "None", " None "])
def test_no_id_is_refused_before_sending(value: str | None) -> None:
    with pytest.raises(ValueError, match=r"No id was given \(None\), so nothing was sent"):
        path_segment(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["", "   ", 42])
def test_an_empty_or_non_text_id_is_refused(value: object) -> None:
    with pytest.raises(ValueError, match="An id must be a non-empty text"):
        path_segment(value)  # type: ignore[arg-type]


def test_a_huge_id_is_refused_with_its_length_not_sent() -> None:
    with pytest.raises(ValueError, match="too long") as caught:
        path_segment("x" * 200_000)
    text = str(caught.value)
    assert "An id of 200000 characters" in text
    assert "too long" in text
    assert "Correct the fields" not in text
    assert len(text) < 400  # the id is not echoed whole
    assert path_segment("6678d6bb-61d3-4c0c-8e4b-0c1f8f0b5a11") == (
        "6678d6bb-61d3-4c0c-8e4b-0c1f8f0b5a11"
    )


# -- messages ----------------------------------------------------------------------------------


def test_the_servers_full_stop_is_not_doubled() -> None:
    error = InvalidClient(
        "Plutora",
        "https://usoauth.plutora.com/oauth/token",
        400,
        "invalid_grant",
        "The client_id or client_secret is incorrect.",
    )
    assert ".." not in str(error)
    assert "is incorrect. The API key" in str(error)
    assert str(InvalidClient("Plutora", "u", 400, "invalid_grant", None)).count("..") == 0


def test_rate_limited_after_honoured_waits_says_how_many_and_how_long() -> None:
    error = RateLimited(
        "GET", "/me", "Too many", 1.0, None, waits=5, waited=7.5, max_wait=60, max_waits=5
    )
    text = str(error)
    assert "waited 5 times as asked (7.5 s in all)" in text
    assert "at most 5 waits per call" in text
    assert "longer than allowed" not in text
    assert (error.waits, error.waited) == (5, 7.5)
    long_wait = str(RateLimited("GET", "/me", "", 600.0, None, waits=2, waited=2, max_wait=60))
    assert "the server asks to wait 600 s, longer than allowed (max_retry_wait, 60 s)" in long_wait
    assert "after the client had waited 2 times (2 s in all)" in long_wait


def test_an_answer_without_its_page_fields_is_a_schema_mismatch_not_a_key_error() -> None:
    with pytest.raises(SchemaMismatch) as caught:
        Page.from_plutora({"items": []}, "GET /releases")
    assert caught.value.json_path == "$.resultSet"
    assert "GET /releases" in str(caught.value)
    with pytest.raises(SchemaMismatch, match=r"\$\.Data\.ResultSet"):
        Page.from_defects({"Total": 1}, 0, 25, "POST /defects/search")
    with pytest.raises(SchemaMismatch, match=r"expected an object"):
        Page.from_plutora("<html>", "GET /releases")
