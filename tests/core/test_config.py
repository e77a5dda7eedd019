"""Configuration: regions, environment variables, arguments, every problem at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from PlutoraLibrary.core import ConfigurationError, PlutoraConfig, Product

FULL = {
    "PLUTORA_REGION": "uk",
    "PLUTORA_CLIENT_ID": "id",
    "PLUTORA_CLIENT_SECRET": "very-secret-value",
    "PLUTORA_USERNAME": "qa@example.com",
    "PLUTORA_PASSWORD": "very-secret-password",
}


@pytest.mark.parametrize("region", ["us", "uk", "au", "eu", "UK"])
def test_a_region_gives_the_token_and_api_urls(region: str) -> None:
    config = PlutoraConfig.from_env({**FULL, "PLUTORA_REGION": region})
    low = region.lower()
    assert config.plutora.token_url == f"https://{low}oauth.plutora.com/oauth/token"
    assert config.plutora.api_url == f"https://{low}api.plutora.com"


def test_plutora_test_has_its_own_hosts_and_keys() -> None:
    config = PlutoraConfig.from_env(
        {
            **FULL,
            "PLUTORA_TEST_CLIENT_ID": "tid",
            "PLUTORA_TEST_CLIENT_SECRET": "tsecret",
            "PLUTORA_TEST_USERNAME": "t@example.com",
            "PLUTORA_TEST_PASSWORD": "tpassword",
        }
    )
    assert config.plutora_test.token_url == "https://oauthps.plutora.com/oauth/token"
    assert config.plutora_test.api_url == "https://apips.plutora.com"
    assert config.plutora_test.credentials is not None
    assert config.plutora_test.credentials.client_id == "tid"
    assert config.product("plutora-test") is config.plutora_test


def test_explicit_urls_override_the_region() -> None:
    config = PlutoraConfig.from_env(
        {
            **FULL,
            "PLUTORA_API_URL": "https://qa-orange-api.plutora.org/",
            "PLUTORA_AUTH_URL": "https://qa-orange-oauth.plutora.org/oauth/token",
        }
    )
    assert config.plutora.api_url == "https://qa-orange-api.plutora.org"
    assert config.plutora.token_url == "https://qa-orange-oauth.plutora.org/oauth/token"


def test_arguments_override_the_environment() -> None:
    config = PlutoraConfig.from_env(
        FULL, region="au", read_timeout=90, validate_responses=False, client_id="other"
    )
    assert config.plutora.api_url == "https://auapi.plutora.com"
    assert config.read_timeout == 90
    assert config.validate_responses is False
    assert config.plutora.credentials is not None
    assert config.plutora.credentials.client_id == "other"


def test_options_come_from_the_environment(tmp_path: Path) -> None:
    bundle = tmp_path / "corp.pem"  # a CA bundle must exist
    bundle.write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    config = PlutoraConfig.from_env(
        {
            **FULL,
            "PLUTORA_CONNECT_TIMEOUT": "2.5",
            "PLUTORA_READ_TIMEOUT": "45",
            "PLUTORA_VERIFY_TLS": str(bundle),
            "PLUTORA_USE_ENV_PROXIES": "false",
            "PLUTORA_SCRIPT_NAME": "nightly",
            "PLUTORA_LOG_BODY_LIMIT": "100",
            "PLUTORA_VALIDATE": "no",
            "PLUTORA_RATE_LIMIT": "0",
            "PLUTORA_TOKEN_CACHE_DIR": str(tmp_path / "run"),
        }
    )
    assert (config.connect_timeout, config.read_timeout) == (2.5, 45)
    assert config.verify_tls == str(bundle)
    assert config.use_env_proxies is False
    assert config.script_name == "nightly"
    assert config.log_body_limit == 100
    assert config.validate_responses is False
    assert config.rate_limit == 0
    assert config.token_cache_dir == str(tmp_path / "run")


def test_defaults_are_safe() -> None:
    config = PlutoraConfig.from_env(FULL)
    assert config.verify_tls is True
    assert config.connect_timeout > 0
    assert config.read_timeout > 0
    assert config.rate_limit == 26000
    assert config.validate_responses is True


def test_every_problem_is_listed_at_once() -> None:
    with pytest.raises(ConfigurationError) as caught:
        PlutoraConfig.from_env(
            {
                "PLUTORA_REGION": "mars",
                "PLUTORA_CLIENT_ID": "id",
                "PLUTORA_TEST_API_URL": "ftp://example.com",
                "PLUTORA_READ_TIMEOUT": "soon",
                "PLUTORA_CONNECT_TIMEOUT": "-1",
                "PLUTORA_VALIDATE": "maybe",
            },
            colour="blue",
        )
    problems = caught.value.problems
    text = str(caught.value)
    assert (
        "region (PLUTORA_REGION) must be one of us, uk, au, eu, not 'mars'. Or set "
        "PLUTORA_AUTH_URL and PLUTORA_API_URL instead." in text
    )
    assert (
        "Plutora credentials are incomplete: set PLUTORA_CLIENT_SECRET, PLUTORA_USERNAME, PLUTORA_PASSWORD"
        in text
    )
    assert (
        "test_api_url (PLUTORA_TEST_API_URL) must be an http(s) URL with a host, e.g. "
        "https://usapi.plutora.com, not 'ftp://example.com'." in text
    )
    assert "read_timeout (PLUTORA_READ_TIMEOUT) must be a number, not 'soon'" in text
    assert "connect_timeout (PLUTORA_CONNECT_TIMEOUT) must be more than 0 seconds" in text
    assert "validate_responses (PLUTORA_VALIDATE) must be true or false" in text
    assert "Unknown setting(s) colour" in text
    assert len(problems) == 7


def test_a_token_url_given_as_the_api_url_is_caught() -> None:
    with pytest.raises(ConfigurationError, match="is a token URL"):
        PlutoraConfig.from_env(
            {**FULL, "PLUTORA_API_URL": "https://usoauth.plutora.com/oauth/token"}
        )


def test_credentials_without_a_place_are_a_problem_when_used() -> None:
    env = {key: value for key, value in FULL.items() if key != "PLUTORA_REGION"}
    config = PlutoraConfig.from_env(env)  # a simulator may still give the URLs
    assert not config.plutora.configured
    with pytest.raises(ConfigurationError, match="Where is Plutora"):
        config.plutora.require_credentials()


def test_an_unconfigured_product_says_what_to_set_when_used() -> None:
    config = PlutoraConfig.from_env(FULL)
    assert not config.plutora_test.configured
    with pytest.raises(ConfigurationError) as caught:
        config.plutora_test.require_credentials()
    assert "PLUTORA_TEST_CLIENT_ID" in str(caught.value)
    assert config.plutora.configured


def test_reprs_hide_secrets() -> None:
    config = PlutoraConfig.from_env(FULL)
    for text in (repr(config), str(config), repr(config.plutora), str(config.plutora.credentials)):
        assert "very-secret-value" not in text
        assert "very-secret-password" not in text
    assert "client_id='id'" in repr(config)


def test_products_have_labels_and_prefixes() -> None:
    assert Product.PLUTORA_TEST.label == "Plutora Test"
    assert Product.PLUTORA_TEST.env_prefix == "PLUTORA_TEST_"
