"""Bad input over HTTP: malformed JSON, wrong types, junk bytes, odd paths. Always a 4xx with
the contract's body (or the documented unknown-field 500), never a stack trace or a hang."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from PlutoraLibrary.simulator import PlutoraSimulator
from tests.conftest import Api

ENDPOINTS = [
    ("plutora", "POST", "/releases"),
    ("plutora", "POST", "/releases/filter"),
    ("plutora", "POST", "/changes"),
    ("plutora", "POST", "/changes/filter"),
    ("plutora-test", "POST", "/defects/search"),
]


@pytest.fixture(scope="module")
def apis() -> Iterator[dict[str, Api]]:
    with PlutoraSimulator() as sim:
        yield {"plutora": Api(sim, "plutora"), "plutora-test": Api(sim, "plutora-test")}


def _judge(answer: requests.Response) -> None:
    assert answer.status_code < 500 or (
        answer.status_code == 500 and "exists in type" in answer.json()["exceptionMessage"]
    ), answer.text
    assert answer.headers["Content-Type"].startswith("application/json"), answer.text
    answer.json()
    assert "Traceback" not in answer.text


@given(endpoint=st.sampled_from(ENDPOINTS), body=st.binary(max_size=200))
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_junk_bytes_as_json(
    apis: dict[str, Api], endpoint: tuple[str, str, str], body: bytes
) -> None:
    product, method, path = endpoint
    answer = apis[product].call(
        method, path, data=body, headers={"Content-Type": "application/json"}
    )
    _judge(answer)


@given(
    endpoint=st.sampled_from(ENDPOINTS),
    body=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=10),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "name",
                        "searchFilters",
                        "SearchFilters",
                        "pageNum",
                        "PageNum",
                        "RecordsPerPage",
                        "recordsPerPage",
                        "Limit",
                        "identifier",
                        "property",
                        "Property",
                        "operator",
                        "value",
                    ]
                ),
                inner,
                max_size=4,
            )
        ),
        max_leaves=12,
    ),
)
@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_wrong_types_in_json(
    apis: dict[str, Api], endpoint: tuple[str, str, str], body: object
) -> None:
    product, method, path = endpoint
    _judge(apis[product].call(method, path, json=body))


@given(
    segment=st.text(min_size=1, max_size=20).filter(lambda s: "/" not in s and s not in (".", ".."))
)
@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_odd_ids_in_paths(apis: dict[str, Api], segment: str) -> None:
    answer = apis["plutora"].get("/releases/" + requests.utils.quote(segment, safe=""))
    assert answer.status_code in (200, 404), answer.text
    _judge(answer)


def test_an_invalid_utf8_form_body(apis: dict[str, Api]) -> None:
    answer = apis["plutora"].post(
        "/releases/filter",
        data=b"pageNum=\xff\xfe",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 400
    _judge(answer)
