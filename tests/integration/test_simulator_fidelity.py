"""Issue 13's fidelity fixes that are not about a resource's shape: the token server's media
types, the help page's filter syntax, the per-second rate limit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from PlutoraLibrary.simulator import PlutoraSimulator, SimulatorConfig, load_config
from tests.conftest import PLUTORA_KEY, USER, Api, Control

FORM = {**PLUTORA_KEY, **USER, "grant_type": "password"}


# -- token server --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "media",
    [
        "x-www-form-urlencoded; charset=urf-8",  # sic: the vendor's NodeJS-Integration-scripts
        "x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=UTF-8",
        "Application/X-WWW-Form-Urlencoded",
        "text/x-www-form-urlencoded; charset=latin-1",
    ],
)
def test_the_token_server_takes_any_form_media_type(plutora: Api, media: str) -> None:
    body = "&".join(f"{key}={quote(value)}" for key, value in FORM.items())
    answer = plutora.session.post(
        plutora.token_url, data=body, headers={"Content-Type": media}, timeout=10
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["token_type"] == "bearer"


@pytest.mark.parametrize("media", ["application/json", "text/plain", None])
def test_a_body_that_is_no_form_is_still_an_unsupported_grant(
    plutora: Api, media: str | None
) -> None:
    headers = {"Content-Type": media} if media else {}
    body = '{"grant_type": "password"}' if media == "application/json" else "grant_type=password"
    answer = plutora.session.post(plutora.token_url, data=body, headers=headers, timeout=10)
    assert answer.status_code == 400
    assert answer.json() == {"error": "unsupported_grant_type"}


# -- filter= expressions: the help page's syntax --------------------------------------------------


def _ids(plutora: Api, entity: str, expression: str) -> set[str]:
    answer = plutora.get(f"/{entity}?filter={quote(expression)}")
    assert answer.status_code == 200, answer.text
    return {item["id"] for item in answer.json()}


@pytest.mark.parametrize("date", ["2026/06/30", "06/30/2026", "30-06-2026", "2026-06-30"])
def test_filter_dates_in_each_maintained_format(plutora: Api, date: str) -> None:
    iso = _ids(plutora, "releases", "`implementationDate` > `2026-06-30T00:00:00`")
    assert iso
    assert _ids(plutora, "releases", f"`implementationDate` > `{date}`") == iso


@pytest.mark.parametrize("date", ["2026/13/01", "31/06/2026", "30.06.2026", "June 30"])
def test_a_date_in_no_maintained_format_is_a_400(plutora: Api, date: str) -> None:
    answer = plutora.get("/releases?filter=" + quote(f"`implementationDate` > `{date}`"))
    assert answer.status_code == 400
    assert "YYYY/MM/DD" in answer.json()["modelState"]["value"][0]


def test_parentheses_group_terms(plutora: Api) -> None:
    grouped = _ids(
        plutora,
        "releases",
        "( `plutoraReleaseType` = `Enterprise` OR `plutoraReleaseType` = `Independent` ) "
        "AND `releaseStatusType` = `Draft`",
    )
    plain = _ids(
        plutora,
        "releases",
        "`plutoraReleaseType` = `Enterprise` AND `releaseStatusType` = `Draft` OR "
        "`plutoraReleaseType` = `Independent` AND `releaseStatusType` = `Draft`",
    )
    assert grouped == plain
    assert grouped
    nested = _ids(plutora, "releases", "((`releaseStatusType` = `Draft`))")
    assert grouped < nested


def test_the_empty_set_symbols_mean_has_no_value_and_has_value(plutora: Api) -> None:
    none = _ids(plutora, "releases", "`parentReleaseId` ∅")
    some = _ids(plutora, "releases", "`parentReleaseId` !∅")
    assert none == _ids(plutora, "releases", "`parentReleaseId` HasNoValue")
    assert some == _ids(plutora, "releases", "`parentReleaseId` HasValue")
    assert none
    assert some
    assert not none & some


# -- rate limits -----------------------------------------------------------------------------


@pytest.fixture
def limited() -> Iterator[PlutoraSimulator]:
    with PlutoraSimulator(SimulatorConfig(rate_limit_per_second=3)) as simulator:
        yield simulator


def test_a_per_second_limit_answers_429_with_retry_after(limited: PlutoraSimulator) -> None:
    sim, plutora, control = limited, Api(limited, "plutora"), Control(limited)
    plutora.token  # noqa: B018 - the token server is not rate-limited
    answers = [plutora.get("/me") for _ in range(5)]
    statuses = [answer.status_code for answer in answers]
    assert statuses[:3] == [200, 200, 200]
    assert 429 in statuses[3:]
    refused = next(answer for answer in answers if answer.status_code == 429)
    assert refused.json() == {"message": "API request limit exceeded."}
    assert refused.headers["Retry-After"] == "1"
    sim.advance_clock(1.5)
    assert plutora.get("/me").status_code == 200
    assert control.counters()["rateLimited"]["sim-plutora-client"] >= 1


def test_the_per_second_limit_is_a_setting_off_by_default(limited: PlutoraSimulator) -> None:
    control = Control(limited)
    assert SimulatorConfig().rate_limit_per_second == 0
    assert control("GET", "/settings").json()["rateLimitPerSecond"] == 3
    control.settings(rateLimitPerSecond=0)
    refused = control("PUT", "/settings", json={"rateLimitPerSecond": -1})
    assert refused.status_code == 400
    assert "rateLimitPerSecond" in refused.json()["message"]


def test_the_per_second_limit_in_a_settings_file(tmp_path: Path) -> None:
    path = tmp_path / "sim.toml"
    path.write_text("[rate_limit]\nper_second = 6\n", encoding="utf-8")
    assert load_config(path).rate_limit_per_second == 6


# -- what stays as the seeds say ----------------------------------------------------------------


def test_an_enterprise_release_still_cannot_be_posted(plutora: Api) -> None:
    # The vendor's Cypress suite expects 201; the help pages (the seeds) forbid it, and win.
    item = plutora.get(
        "/releases?filter=" + quote("`plutoraReleaseType` = `Enterprise` AND `status` = `Draft`")
    ).json()[0]
    source = plutora.get(f"/releases/{item['id']}").json()
    answer = plutora.post("/releases", json={**source, "identifier": "ENT-NEW", "name": "New"})
    assert answer.status_code == 400
    assert answer.json()["modelState"]["internalServerValidationError"] == [
        "Enterprise releases cannot be created through the API."
    ]
