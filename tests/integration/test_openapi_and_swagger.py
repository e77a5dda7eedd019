"""The description the simulator serves (the contract with its own URLs), its offline Swagger
page, and a property-based run (schemathesis) of both APIs: no server error but the
documented unknown-field 500, every status, media type and body as described."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from PlutoraLibrary.simulator import PlutoraSimulator
from tests.conftest import Api

pytestmark = pytest.mark.slow

UNKNOWN_FIELD = re.compile(
    r"^No property or field '.*' exists in type '(Release|Change|Environment|Host|Organization|System|TECR)'$"
)


def test_the_swagger_page_and_its_assets_are_served_offline(sim: PlutoraSimulator) -> None:
    page = requests.get(sim.urls.swagger_url, timeout=10)
    assert page.status_code == 200
    assert "http" not in re.sub(
        r"https?://(localhost|127\.0\.0\.1)", "", page.text.split("<body>")[0]
    ).replace("http-equiv", "")
    for asset in re.findall(r'(?:src|href)="(/swagger-ui/[^"]+)"', page.text):
        assert requests.get(sim.urls.base + asset, timeout=10).status_code == 200
    for product in ("plutora", "plutora-test"):
        for path in ("/swagger", "/swagger/ui/index"):
            assert (
                requests.get(f"{sim.urls.base}/{product}/api{path}", timeout=10).status_code == 200
            )


def test_the_description_is_valid_openapi_for_the_running_server(sim: PlutoraSimulator) -> None:
    spec = requests.get(sim.urls.plutora_api_url + "/swagger/docs/v1", timeout=10).json()
    assert spec["openapi"].startswith("3.1")
    assert [server["url"] for server in spec["servers"]] == [sim.urls.plutora_api_url]
    assert spec["components"]["securitySchemes"]["bearer"]["name"] == "Authorization"
    assert "/releases/filter" in spec["paths"]


def test_the_description_needs_no_token(sim: PlutoraSimulator) -> None:
    assert requests.get(sim.urls.base + "/openapi/plutora-test.json", timeout=10).status_code == 200


def test_the_page_gets_an_openapi_30_rendition_for_its_swagger_ui(sim: PlutoraSimulator) -> None:
    """The bundled Swagger UI (4.x) renders no 3.1 description: the page loads a 3.0 one."""
    page = requests.get(sim.urls.swagger_url, timeout=10).text
    for api in ("plutora", "plutora-test"):
        assert f"/openapi/{api}.swagger-ui.json" in page
        ui = requests.get(f"{sim.urls.base}/openapi/{api}.swagger-ui.json", timeout=10).json()
        assert ui["openapi"] == "3.0.3"
        text = str(ui)
        assert "'null'" not in text
        assert "'const'" not in text


@pytest.fixture(scope="module")
def fuzzed_sim() -> Iterator[PlutoraSimulator]:
    with PlutoraSimulator() as simulator:
        yield simulator


@pytest.fixture(scope="module")
def tokens(fuzzed_sim: PlutoraSimulator) -> dict[str, str]:
    return {product: Api(fuzzed_sim, product).token for product in ("plutora", "plutora-test")}


def _only_the_documented_server_error(response: Any) -> None:
    if response.status_code >= 500:
        body = response.json()
        assert response.status_code == 500, response.text
        assert body["message"] == "An error has occurred."
        assert UNKNOWN_FIELD.match(body["exceptionMessage"]), body


_CHECKS = [status_code_conformance, content_type_conformance, response_schema_conformance]
_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None
)


@pytest.mark.parametrize("product", ["plutora", "plutora-test"])
def test_every_operation_answers_as_described(
    fuzzed_sim: PlutoraSimulator, tokens: dict[str, str], product: str
) -> None:
    """Hypothesis draws valid and invalid requests for every operation of the description."""
    api_url = (
        fuzzed_sim.urls.plutora_api_url
        if product == "plutora"
        else fuzzed_sim.urls.plutora_test_api_url
    )
    schema = schemathesis.openapi.from_url(api_url + "/swagger/docs/v1")
    headers = {"Authorization": f"bearer {tokens[product]}"}
    # The token operation has a server of its own, and guessing passwords there would lock
    # the demo user: it is exercised in test_auth and test_swagger_examples.
    operations = [
        operation
        for operation in (result.ok() for result in schema.get_all_operations())
        if operation.path != "/oauth/token"
    ]
    assert len(operations) >= (22 if product == "plutora" else 5)
    for operation in operations:

        @given(case=operation.as_strategy())
        @_SETTINGS
        def answers_as_described(case: Any) -> None:
            response = case.call(headers=headers, timeout=10)
            _only_the_documented_server_error(response)
            case.validate_response(response, checks=_CHECKS)

        answers_as_described()
