"""One settings table: the loader, the Robot import arguments, the pytest options and the
reference page agree with it, every setting reaches the core from every front end, and bad
values of every kind are refused with one clear line each."""

from __future__ import annotations

import dataclasses
import inspect
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from PlutoraLibrary.core import ConfigurationError, PlutoraConfig
from PlutoraLibrary.core.config import REGIONS
from PlutoraLibrary.core.settings import SETTINGS, Setting, options, reference

ROOT = Path(__file__).resolve().parents[2]


def snapshot(config: Any) -> dict[str, Any]:
    """What the core holds for every setting, as JSON (also run inside Robot and pytest)."""
    seen: dict[str, Any] = {}
    for prefix, product in (("", config.plutora), ("test_", config.plutora_test)):
        credentials = product.credentials
        for field in ("client_id", "client_secret", "username", "password"):
            seen[prefix + field] = str(getattr(credentials, field)) if credentials else None
        seen[prefix + "auth_url"] = product.token_url
        seen[prefix + "api_url"] = product.api_url
    for field in dataclasses.fields(config):
        if field.name not in ("plutora", "plutora_test"):
            seen[field.name] = getattr(config, field.name)
    return seen


def _samples(folder: Path) -> dict[str, Any]:
    """A value other than the default for every setting, as text."""
    values: dict[str, Any] = {}
    for name, setting in SETTINGS.items():
        if setting.kind in ("seconds", "count"):
            base = setting.default if setting.default is not None else 6
            values[name] = str(base + 1)
        elif setting.kind in ("bool", "tls"):
            values[name] = "false" if setting.default else "true"
        elif setting.kind == "choice":
            values[name] = "au"
        elif setting.kind == "url":
            values[name] = f"https://{name.replace('_', '-')}.example.com/x"
        elif setting.kind == "store":
            values[name] = f"redis://{name.replace('_', '-')}.example.com:6379/2"
        elif setting.kind in ("folder", "file"):
            values[name] = str(folder / name)
        else:
            values[name] = f"Sample-{name}-1"
    return values


def _expected(values: dict[str, Any]) -> dict[str, Any]:
    """The snapshot the core must hold for ``values`` (the region's URLs when no URL is
    given)."""
    expected: dict[str, Any] = {}
    for name, text in values.items():
        setting = SETTINGS[name]
        if name == "region":
            if "auth_url" not in values:
                expected["auth_url"], expected["api_url"] = REGIONS[text]
            continue
        expected[name] = setting.convert(text)
    return expected


def _split(values: dict[str, Any]) -> list[dict[str, Any]]:
    """Two runs: one with the region (so that its URLs show), one with explicit URLs."""
    with_region = {k: v for k, v in values.items() if k not in ("auth_url", "api_url")}
    with_urls = {k: v for k, v in values.items() if k in ("auth_url", "api_url")}
    return [with_region, with_urls]


def _check(seen: dict[str, Any], values: dict[str, Any]) -> None:
    for name, wanted in _expected(values).items():
        assert seen[name] == wanted, f"{name}: {seen[name]!r} != {wanted!r}"


# -- the derived pieces agree with the table ----------------------------------------------------


def test_the_configuration_fields_are_the_tables_options_with_its_defaults() -> None:
    fields = {f.name: f.default for f in dataclasses.fields(PlutoraConfig)}
    fields.pop("plutora")
    fields.pop("plutora_test")
    assert list(fields) == [setting.name for setting in options()]
    for setting in options():
        assert fields[setting.name] == setting.default, setting.name


def test_every_setting_has_a_documented_unique_variable() -> None:
    variables = [setting.env for setting in SETTINGS.values()]
    assert len(set(variables)) == len(variables)
    for setting in SETTINGS.values():
        assert setting.env.startswith("PLUTORA_")
        assert setting.doc.endswith("."), setting.name
        assert setting.kind in {
            "text", "secret", "url", "choice", "seconds", "count", "bool", "tls", "folder",
            "file",
            "store",
        }  # fmt: skip


def test_the_robot_import_arguments_are_the_table(tmp_path: Path) -> None:
    out = tmp_path / "libdoc.json"
    subprocess.run(
        [sys.executable, "-m", "robot.libdoc", "--format", "json", "PlutoraLibrary", str(out)],
        check=True,
        capture_output=True,
        cwd=tmp_path,
        timeout=120,
    )
    library = json.loads(out.read_text(encoding="utf-8"))
    arguments = library["inits"][0]["args"]
    assert [a["name"] for a in arguments] == list(SETTINGS)
    for argument in arguments:
        setting = SETTINGS[argument["name"]]
        types = {t["name"] for t in argument["type"]["nested"]}
        assert "None" in types
        assert ("Secret" in types) is setting.secret, setting.name
        assert argument["defaultValue"] == "None"
    for setting in SETTINGS.values():  # the settings table in the library's introduction
        assert setting.env in library["doc"]


def test_the_pytest_options_are_the_tables_settings_but_the_secrets(
    pytester: pytest.Pytester,
) -> None:
    result = pytester.runpytest_subprocess("--help")
    text = result.stdout.str()
    for setting in SETTINGS.values():
        assert (setting.option in text) is not setting.secret, setting.option
        assert (f"{setting.ini} (" in text) is not setting.secret, setting.ini


def test_the_reference_page_is_the_table() -> None:
    page = ROOT / "docs" / "settings.md"
    text = reference()
    if page.read_text(encoding="utf-8") != text:
        page.write_text(text, encoding="utf-8")
        pytest.fail(
            "docs/settings.md was out of date with the settings table; rewritten: commit it"
        )
    for setting in SETTINGS.values():
        assert f"`{setting.env}`" in text


# -- every setting reaches the core from every front end ---------------------------------------


def test_every_setting_reaches_the_core_from_the_environment(tmp_path: Path) -> None:
    values = _samples(tmp_path)
    for run in _split(values):
        config = PlutoraConfig.from_env({SETTINGS[name].env: text for name, text in run.items()})
        _check(snapshot(config), run)


def test_every_setting_reaches_the_core_as_an_argument(tmp_path: Path) -> None:
    values = _samples(tmp_path)
    for run in _split(values):
        _check(snapshot(PlutoraConfig.from_env({}, **run)), run)
        typed = {name: SETTINGS[name].convert(text) for name, text in run.items()}
        _check(snapshot(PlutoraConfig.from_env({}, **typed)), run)


ROBOT_HELPER = """
import dataclasses, json
from typing import Any
from robot.libraries.BuiltIn import BuiltIn


{snapshot}


def dump_plutora_config(path):
    config = BuiltIn().get_library_instance("PlutoraLibrary").context.config
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(snapshot(config), handle)
"""


def test_every_setting_reaches_the_core_as_a_robot_import_argument(tmp_path: Path) -> None:
    values = _samples(tmp_path)
    helper = ROBOT_HELPER.format(snapshot=inspect.getsource(snapshot))
    (tmp_path / "Dump.py").write_text(helper, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLUTORA_")}
    for number, run in enumerate(_split(values)):
        secrets = [name for name in run if SETTINGS[name].secret]
        variables = "".join(
            f"${{{name.upper()}: Secret}}    %{{SAMPLE_{name.upper()}}}\n" for name in secrets
        )
        env.update({f"SAMPLE_{name.upper()}": run[name] for name in secrets})
        arguments = "    ".join(
            f"{name}=${{{name.upper()}}}" if name in secrets else f"{name}={text}"
            for name, text in run.items()
        )
        suite = tmp_path / f"settings_{number}.robot"
        suite.write_text(
            f"*** Settings ***\nLibrary    PlutoraLibrary    {arguments}\nLibrary    Dump.py\n\n"
            f"*** Variables ***\n{variables}\n"
            f"*** Test Cases ***\nDump\n    Dump Plutora Config    {tmp_path / 'seen.json'}\n",
            encoding="utf-8",
        )
        result = subprocess.run(
            [sys.executable, "-m", "robot", "--output", "NONE", "--log", "NONE", "--report",
             "NONE", "--pythonpath", str(tmp_path), str(suite)],
            env=env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
        _check(json.loads((tmp_path / "seen.json").read_text(encoding="utf-8")), run)


PYTEST_MODULE = """
import dataclasses, json
from typing import Any


{snapshot}


def test_dump(plutora_config):
    with open({path!r}, "w", encoding="utf-8") as handle:
        json.dump(snapshot(plutora_config), handle)
"""


def test_every_setting_reaches_the_core_as_a_pytest_option(
    pytester: pytest.Pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in list(os.environ):
        if name.startswith("PLUTORA_"):
            monkeypatch.delenv(name)
    values = _samples(tmp_path)
    seen = tmp_path / "seen.json"
    pytester.makepyfile(PYTEST_MODULE.format(snapshot=inspect.getsource(snapshot), path=str(seen)))
    for run in _split(values):
        arguments: list[str] = []
        secrets = pytester.path / "secrets.env"
        secret_lines = [f"{SETTINGS[n].env}={t}" for n, t in run.items() if SETTINGS[n].secret]
        secrets.write_text("\n".join(secret_lines) + "\n", encoding="utf-8")
        secrets.chmod(0o600)
        if secret_lines:
            arguments += ["--plutora-secrets-file", str(secrets)]
        for name, text in run.items():
            if not SETTINGS[name].secret:
                arguments += [SETTINGS[name].option, text]
        result = pytester.runpytest_subprocess(*arguments, "-p", "no:cacheprovider")
        assert result.ret == 0, result.stdout.str()[-3000:]
        _check(json.loads(seen.read_text(encoding="utf-8")), run)


def test_an_ini_value_reaches_the_core_and_the_command_line_wins(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    seen = tmp_path / "seen.json"
    pytester.makepyfile(PYTEST_MODULE.format(snapshot=inspect.getsource(snapshot), path=str(seen)))
    pytester.makeini("[pytest]\nplutora_refresh_margin_seconds = 30\nplutora_retries = 7\n")
    result = pytester.runpytest_subprocess("--plutora-retries", "8", "-p", "no:cacheprovider")
    assert result.ret == 0, result.stdout.str()[-3000:]
    dumped = json.loads(seen.read_text(encoding="utf-8"))
    assert dumped["refresh_margin_seconds"] == 30.0
    assert dumped["retries"] == 8


# -- bad values ---------------------------------------------------------------------------------


def _bad_values(setting: Setting) -> st.SearchStrategy[str]:
    words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
    if setting.kind in ("seconds", "count"):
        numbers = [st.sampled_from(["nan", "inf", "-inf", "-1", "1e400", "soon", "1,5", "0x"])]
        if setting.high is not None:
            numbers.append(st.floats(min_value=setting.high * 1.01, max_value=1e300).map(str))
        if setting.kind == "count":
            numbers.append(st.sampled_from(["1.5", "2e3"]))
        if setting.above_zero:
            numbers.append(st.just("0"))
        return st.one_of(*numbers)
    if setting.kind == "bool":
        return words.filter(lambda w: w not in {"true", "false", "yes", "no", "on", "off"})
    if setting.kind == "choice":
        return words.filter(lambda w: w not in setting.choices)
    if setting.kind == "url":
        return st.one_of(words, words.map(lambda w: f"ftp://{w}.example.com"), st.just("https://"))
    if setting.kind == "store":
        return st.one_of(
            words,
            words.map(lambda w: f"https://{w}.example.com"),
            words.map(lambda w: f"redis://{w}.example.com:port/0"),
            words.map(lambda w: f"redis://{w}.example.com/db{w}"),
            st.just("redis://"),
        )
    if setting.kind == "tls":
        return words.map(lambda w: f"/no/such/ca-{w}.pem")
    if setting.kind == "folder":
        return st.just("/etc/hostname/below-a-file")
    if setting.kind == "file":
        return st.sampled_from(["/no/such/folder/site.ndjson", "/etc", "   "])
    return st.just("   ")  # text and secrets: blank


_CHECKED = list(SETTINGS.values())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_bad_value_of_any_setting_is_one_clear_line(data: st.DataObject) -> None:
    setting = data.draw(st.sampled_from(_CHECKED))
    bad = data.draw(_bad_values(setting))
    with pytest.raises(ConfigurationError) as caught:
        PlutoraConfig.from_env({setting.env: bad})
    problems = caught.value.problems
    mine = [p for p in problems if setting.env in p or setting.name in p]
    assert len(mine) == 1, problems
    assert "\n" not in mine[0]
    if setting.secret:
        assert bad not in mine[0] or not bad.strip()


def test_every_bad_value_is_reported_at_once() -> None:
    bad = {"PLUTORA_READ_TIMEOUT": "nan", "PLUTORA_RETRIES": "-1", "PLUTORA_REGION": "mars",
           "PLUTORA_VERIFY_TLS": "/no/such.pem", "PLUTORA_VALIDATE": "maybe",
           "PLUTORA_API_URL": "ftp://x", "PLUTORA_REFUSAL_MEMORY": "0"}  # fmt: skip
    with pytest.raises(ConfigurationError) as caught:
        PlutoraConfig.from_env(bad)
    assert len(caught.value.problems) == len(bad), caught.value.problems


def test_a_secret_value_is_never_quoted() -> None:
    from PlutoraLibrary.core.settings import SettingProblem

    secret = SETTINGS["client_secret"]
    with pytest.raises(SettingProblem) as caught:
        secret.convert("   ")
    assert "'***'" in str(caught.value)
