"""Simulator settings: defaults, the TOML file, and errors that list every problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from PlutoraLibrary.simulator import SimulatorConfig, SimulatorConfigError, load_config


def test_defaults_mirror_the_real_service() -> None:
    config = SimulatorConfig()
    assert config.token_lifetime("plutora") == 12000
    assert config.token_lifetime("plutora-test") == 82800
    assert config.rate_limit == 26000
    assert config.rate_window_seconds == 3600
    assert config.lock_after_failed_logins == 5
    assert config.ip_whitelist == ()


def test_a_settings_file_overrides_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "sim.toml"
    path.write_text(
        """
seed = 9
ip_whitelist = ["127.0.0.1", "10.0.0.0/8"]
change_display_names = "named"
[rate_limit]
requests = 300
window_seconds = 60
[token_lifetime]
plutora = 1199
[[api_keys]]
client_id = "ci-key"
client_secret = "ci-secret"
product = "plutora"
[[users]]
username = "ci@example.com"
password = "pw"
product = "plutora-test"
""",
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.seed == 9
    assert config.rate_limit == 300
    assert config.rate_window_seconds == 60
    assert config.token_lifetime("plutora") == 1199
    assert config.token_lifetime("plutora-test") == 82800
    assert config.ip_whitelist == ("127.0.0.1", "10.0.0.0/8")
    assert [key.client_id for key in config.api_keys] == ["ci-key"]
    assert config.users[0].product == "plutora-test"
    assert config.change_display_names == "named"


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        """
colour = "blue"
seed = "seven"
ip_whitelist = ["10.0.0/8"]
[rate_limit]
requests = 0
[[api_keys]]
client_id = "x"
""",
        encoding="utf-8",
    )
    with pytest.raises(SimulatorConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert "unknown setting(s) colour" in message
    assert "seed must be a whole number, not 'seven'" in message
    assert "'10.0.0/8' is neither an IP address nor a CIDR range" in message
    assert "rate_limit must be a whole number of at least 1" in message
    assert "api_keys[0] must have exactly the keys client_id, client_secret, product" in message


def test_a_file_that_is_not_toml_is_named(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("seed = = 3", encoding="utf-8")
    with pytest.raises(SimulatorConfigError, match="is not valid TOML"):
        load_config(path)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SimulatorConfigError, match="Cannot read the simulator settings file"):
        load_config(tmp_path / "absent.toml")


def test_reprs_hide_secrets() -> None:
    config = SimulatorConfig()
    assert "sim-plutora-secret" not in repr(config)
    assert "Sim-Password-1" not in repr(config)


def test_the_seed_sizes_come_from_a_settings_file(tmp_path: Path) -> None:
    path = tmp_path / "sim.toml"
    path.write_text("defect_count = 5000\nrelease_count = 2000\nchange_count = 3000\n")
    config = load_config(path)
    assert (config.defect_count, config.release_count, config.change_count) == (5000, 2000, 3000)
    assert (SimulatorConfig().release_count, SimulatorConfig().change_count) == (260, 300)


@pytest.mark.parametrize("name", ["defect_count", "release_count", "change_count"])
@pytest.mark.parametrize("value", [0, -1, 1_000_001, "many", True, 2.5])
def test_a_seed_size_out_of_range_is_refused_clearly(name: str, value: object) -> None:
    with pytest.raises(SimulatorConfigError) as raised:
        SimulatorConfig(**{name: value})  # type: ignore[arg-type]
    assert f"{name} must be a whole number from 1 to 1,000,000, not {value!r}." in str(raised.value)
