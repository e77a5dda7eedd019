"""The ``ports`` layout: each token server and each API at the root of its own port, over
HTTPS verified against the certificate authority the simulator made, so that a client built
as host + path (``https://usoauth.plutora.com/oauth/token``, ``https://usapi.plutora.com/releases``)
needs nothing but its base URLs changed."""

from __future__ import annotations

import json
import re
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from cryptography import x509

from PlutoraLibrary.core import PlutoraClient, PlutoraConfig
from PlutoraLibrary.simulator import PlutoraSimulator
from PlutoraLibrary.simulator.server import SimulatorUrls
from tests.conftest import PLUTORA_KEY, TEST_KEY, USER


@pytest.fixture(scope="module")
def tls_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("tls")


@pytest.fixture(scope="module")
def ports_sim(tls_dir: Path) -> Iterator[PlutoraSimulator]:
    with PlutoraSimulator(layout="ports", tls=True, tls_dir=tls_dir) as simulator:
        yield simulator


def _token(urls: SimulatorUrls, product: str = "plutora") -> str:
    key = PLUTORA_KEY if product == "plutora" else TEST_KEY
    url = urls.plutora_token_url if product == "plutora" else urls.plutora_test_token_url
    answer = requests.post(
        url, data={**key, "grant_type": "password", **USER}, verify=urls.ca_file, timeout=10
    )
    assert answer.status_code == 200, answer.text
    token: str = answer.json()["access_token"]
    return token


def test_each_part_is_at_the_root_of_its_own_port(ports_sim: PlutoraSimulator) -> None:
    urls = ports_sim.urls
    assert urls.plutora_token_url.endswith("/oauth/token")
    roots = {
        urls.plutora_token_url.removesuffix("/oauth/token"),
        urls.plutora_api_url,
        urls.plutora_test_token_url.removesuffix("/oauth/token"),
        urls.plutora_test_api_url,
        urls.base,
    }
    assert len(roots) == 5
    assert all(root.startswith("https://127.0.0.1:") for root in roots)
    assert len(ports_sim.ports) == 4


def test_plain_requests_over_verified_tls_reach_each_port(ports_sim: PlutoraSimulator) -> None:
    urls = ports_sim.urls
    assert urls.ca_file is not None
    plutora = {"Authorization": f"bearer {_token(urls)}"}
    test = {"Authorization": f"bearer {_token(urls, 'plutora-test')}"}
    me = requests.get(
        f"{urls.plutora_api_url}/me", headers=plutora, verify=urls.ca_file, timeout=10
    )
    assert me.json() == USER["username"]
    releases = requests.get(
        f"{urls.plutora_api_url}/releases", headers=plutora, verify=urls.ca_file, timeout=10
    )
    assert releases.status_code == 200
    assert len(releases.json()) == 260
    search = requests.post(
        f"{urls.plutora_test_api_url}/defects/search",
        json={"SearchFilters": [{"Property": "Status", "Operator": "Equals", "Value": "Open"}]},
        headers=test,
        verify=urls.ca_file,
        timeout=10,
    )
    assert search.status_code == 200
    assert search.json()["Data"]["ResultSet"]
    # A token of the other product's token server opens nothing here, as on the real hosts.
    assert (
        requests.get(
            f"{urls.plutora_api_url}/me", headers=test, verify=urls.ca_file, timeout=10
        ).status_code
        == 401
    )


def test_without_the_ca_the_certificate_is_refused(ports_sim: PlutoraSimulator) -> None:
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(f"{ports_sim.urls.plutora_api_url}/me", timeout=10)


def test_urls_in_answers_name_the_port_the_client_used(ports_sim: PlutoraSimulator) -> None:
    urls = ports_sim.urls
    headers = {"Authorization": f"bearer {_token(urls)}"}
    missing = requests.get(
        f"{urls.plutora_api_url}/no-such-thing", headers=headers, verify=urls.ca_file, timeout=10
    )
    assert missing.status_code == 404
    assert f"'{urls.plutora_api_url}/no-such-thing'" in missing.json()["message"]
    assert "/plutora/api" not in missing.text
    source = requests.get(
        f"{urls.plutora_api_url}/releases",
        params={"filter": "`plutoraReleaseType` Equals `Independent`"},
        headers=headers,
        verify=urls.ca_file,
        timeout=10,
    ).json()[0]
    full = requests.get(
        f"{urls.plutora_api_url}/releases/{source['id']}",
        headers=headers,
        verify=urls.ca_file,
        timeout=10,
    ).json()
    copy = {key: value for key, value in full.items() if key != "id"}
    copy.update(identifier=f"{full['identifier']}-PORTS", name="Copy over the ports layout")
    created = requests.post(
        f"{urls.plutora_api_url}/releases",
        json=copy,
        headers=headers,
        verify=urls.ca_file,
        timeout=10,
    )
    assert created.status_code == 201, created.text
    location = created.headers["Location"]
    assert location == f"{urls.plutora_api_url}/releases/{created.json()['id']}"
    assert (
        requests.get(location, headers=headers, verify=urls.ca_file, timeout=10).status_code == 200
    )


def test_the_token_servers_answer_as_in_the_one_port_layout(ports_sim: PlutoraSimulator) -> None:
    urls = ports_sim.urls
    wrong = requests.post(
        urls.plutora_test_token_url,
        data={**PLUTORA_KEY, "grant_type": "password", **USER},
        verify=urls.ca_file,
        timeout=10,
    )
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "invalid_grant"
    assert requests.get(urls.plutora_token_url, verify=urls.ca_file, timeout=10).status_code == 405


def test_faults_and_counters_see_the_requests_of_every_port(ports_sim: PlutoraSimulator) -> None:
    urls = ports_sim.urls
    headers = {"Authorization": f"bearer {_token(urls)}"}
    fault = requests.post(
        f"{urls.control_url}/faults",
        json={"path": "/releases$", "kind": "status", "status": 503},
        verify=urls.ca_file,
        timeout=10,
    )
    assert fault.status_code == 201
    faulted = requests.get(
        f"{urls.plutora_api_url}/releases", headers=headers, verify=urls.ca_file, timeout=10
    )
    assert faulted.status_code == 503
    counted = ports_sim.counters()["requests"]
    assert any("/releases" in route for route in counted)


def test_swagger_on_an_api_port_leads_to_the_main_port(ports_sim: PlutoraSimulator) -> None:
    urls = ports_sim.urls
    page = requests.get(f"{urls.plutora_api_url}/swagger", verify=urls.ca_file, timeout=10)
    assert page.status_code == 200
    assert page.url == f"{urls.base}/plutora/api/swagger"
    spec = requests.get(f"{urls.base}/openapi/plutora.json", verify=urls.ca_file, timeout=10)
    assert spec.json()["servers"][0]["url"] == f"{urls.base}/plutora/api"


def _client_config(urls: SimulatorUrls, folder: Path, **env: str) -> PlutoraConfig:
    return PlutoraConfig.from_env(
        {
            "PLUTORA_AUTH_URL": urls.plutora_token_url,
            "PLUTORA_API_URL": urls.plutora_api_url,
            "PLUTORA_CLIENT_ID": PLUTORA_KEY["client_id"],
            "PLUTORA_CLIENT_SECRET": PLUTORA_KEY["client_secret"],
            "PLUTORA_USERNAME": USER["username"],
            "PLUTORA_PASSWORD": USER["password"],
            "PLUTORA_TOKEN_CACHE_DIR": str(folder),
            **env,
        }
    )


def test_the_client_needs_only_its_urls_and_the_ca(
    ports_sim: PlutoraSimulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As ``plutora sim --tls`` says for Python requests: REQUESTS_CA_BUNDLE=ca.pem."""
    urls = ports_sim.urls
    assert urls.ca_file is not None
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", urls.ca_file)
    with PlutoraClient(_client_config(urls, tmp_path)) as plutora:
        assert plutora.current_user() == USER["username"]
        assert len(plutora.releases()) >= 260  # the seed, and a copy another test made


def test_plutora_verify_tls_wins_over_a_ca_bundle_of_the_environment(
    ports_sim: PlutoraSimulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    urls = ports_sim.urls
    assert urls.ca_file is not None
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", requests.certs.where())
    config = _client_config(urls, tmp_path, PLUTORA_VERIFY_TLS=urls.ca_file)
    with PlutoraClient(config) as plutora:
        assert plutora.current_user() == USER["username"]


def test_the_certificate_is_kept_and_reused(ports_sim: PlutoraSimulator, tls_dir: Path) -> None:
    first = ports_sim.certificate
    assert first is not None
    assert first.ca_file == tls_dir / "ca.pem"
    assert (tls_dir / "server.key").stat().st_mode & 0o077 == 0
    with PlutoraSimulator(tls=True, tls_dir=tls_dir) as again:
        assert again.certificate is not None
        assert not again.certificate.created
        assert again.urls.base.startswith("https://")
        assert again.urls.plutora_api_url.endswith("/plutora/api")  # one port, over TLS
    server = x509.load_pem_x509_certificate((tls_dir / "server.pem").read_bytes())
    names = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert {"localhost"} <= set(names.get_values_for_type(x509.DNSName))
    assert {"127.0.0.1", "::1"} <= {str(ip) for ip in names.get_values_for_type(x509.IPAddress)}


def test_a_strict_tls_client_accepts_the_certificate(ports_sim: PlutoraSimulator) -> None:
    """Python 3.13 makes X509_STRICT the default: the chain must pass it."""
    assert ports_sim.urls.ca_file is not None
    context = ssl.create_default_context(cafile=ports_sim.urls.ca_file)
    context.verify_flags |= ssl.VERIFY_X509_STRICT
    with (
        socket.create_connection(("127.0.0.1", ports_sim.ports[1]), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname="localhost") as wrapped,
    ):
        assert wrapped.version() in ("TLSv1.2", "TLSv1.3")


def test_the_ports_layout_over_plain_http_and_the_default_layout() -> None:
    with PlutoraSimulator(layout="ports") as sim:
        assert sim.urls.ca_file is None
        assert sim.urls.plutora_api_url.startswith("http://127.0.0.1:")
        assert _token(sim.urls, "plutora-test")
    with PlutoraSimulator() as sim:
        assert sim.urls == SimulatorUrls.for_base(sim.urls.base)
        assert sim.ports == ()


def test_ports_follow_the_main_port_unless_given() -> None:
    probe = socket.create_server(("127.0.0.1", 0))
    free = probe.getsockname()[1]
    probe.close()
    sim = PlutoraSimulator(layout="ports", port=free)
    assert sim._part_ports() == (free + 1, free + 2, free + 3, free + 4)
    with pytest.raises(ValueError, match="ports takes 4 ports"):
        PlutoraSimulator(layout="ports", ports=(1, 2))
    with pytest.raises(ValueError, match="Unknown layout"):
        PlutoraSimulator(layout="many")  # type: ignore[arg-type]


def test_a_port_in_use_is_named() -> None:
    taken = socket.create_server(("127.0.0.1", 0))
    try:
        port = taken.getsockname()[1]
        sim = PlutoraSimulator(layout="ports", ports=(0, port, 0, 0))
        with pytest.raises(RuntimeError, match=f"127.0.0.1:{port}"):
            sim.start()
        assert sim.port is None
    finally:
        taken.close()


# -- plutora sim --layout ports --tls ------------------------------------------------------------

PLUTORA_SIM = [sys.executable, "-m", "PlutoraLibrary.cli", "sim"]


def test_plutora_sim_serves_the_ports_layout_over_tls_and_says_how_to_trust_it(
    tmp_path: Path,
) -> None:
    ready, tls = tmp_path / "ready.json", tmp_path / "tls"
    options = ["--layout", "ports", "--tls", "--tls-dir", str(tls), "--ready-file", str(ready)]
    process = subprocess.Popen(
        [*PLUTORA_SIM, "--port", "0", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not ready.exists():
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "plutora sim did not become ready"
            time.sleep(0.02)
        urls = json.loads(ready.read_text(encoding="utf-8"))
        assert urls["ca_file"] == str(tls / "ca.pem")
        assert re.fullmatch(r"https://127\.0\.0\.1:\d+", urls["plutora_api_url"])
        token = _token(SimulatorUrls(**urls))
        me = requests.get(
            urls["plutora_api_url"] + "/me",
            headers={"Authorization": f"bearer {token}"},
            verify=urls["ca_file"],
            timeout=10,
        )
        assert me.json() == USER["username"]
    finally:
        process.send_signal(signal.SIGINT)
        printed, _ = process.communicate(timeout=15)
    assert f"Plutora API URL:         {urls['plutora_api_url']}\n" in printed
    assert f"REQUESTS_CA_BUNDLE={tls / 'ca.pem'}" in printed
    assert f"NODE_EXTRA_CA_CERTS={tls / 'ca.pem'}" in printed
    assert f"curl --cacert {tls / 'ca.pem'} " in printed


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--ports", "1,2,3,4"], "--ports needs --layout ports."),
        (["--layout", "ports", "--ports", "1,2"], "--ports 1,2 is not four ports"),
        (["--layout", "ports", "--ports", "1,2,3,70000"], "is not four ports"),
        (["--tls-dir", "/tmp/x"], "--tls-dir needs --tls."),  # noqa: S108
    ],
)
def test_plutora_sim_refuses_ports_options_it_cannot_use(args: list[str], says: str) -> None:
    result = subprocess.run(
        [*PLUTORA_SIM, *args], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 2, result
    assert result.stderr.strip().splitlines() == [
        line for line in result.stderr.strip().splitlines() if line.startswith("plutora sim: ")
    ]
    assert says in result.stderr


def test_a_simulator_without_tls_loads_no_cryptography() -> None:
    # simulator/tls.py imports cryptography (and filelock) only to make or check a
    # certificate: start-up without --tls does not pay for them.
    code = (
        "import sys, PlutoraLibrary.simulator, PlutoraLibrary.simulator.tls;"
        "print(sorted(m for m in ('cryptography', 'filelock') if m in sys.modules))"
    )
    printed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert printed.strip() == "[]"
