"""The simulator's URLs are plain strings: building them (to point a client at a simulator in
every pabot process and xdist worker) must not load the server and aiohttp."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from PlutoraLibrary.simulator import SimulatorUrls
from PlutoraLibrary.simulator import server as simulator_server

ROOT = Path(__file__).resolve().parents[2]

POINT_AT_A_SIMULATOR = """
import json, sys
from PlutoraLibrary.core import PlutoraConfig
from PlutoraLibrary.simulator import SimulatorUrls
from PlutoraLibrary.simulator_target import config_for_simulator

config = config_for_simulator("http://127.0.0.1:8080", PlutoraConfig.from_env({}))
urls = SimulatorUrls.for_base("http://127.0.0.1:8080")
loaded = sorted(
    name for name in sys.modules
    if name.split(".")[0] == "aiohttp" or name == "PlutoraLibrary.simulator.server"
)
print(json.dumps({"api": config.plutora.api_url, "control": urls.control_url, "loaded": loaded}))
"""


def test_pointing_a_config_at_a_simulator_loads_no_server_or_aiohttp() -> None:
    result = subprocess.run(
        [sys.executable, "-c", POINT_AT_A_SIMULATOR],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env={"PATH": "", "PYTHONPATH": str(ROOT)},
    )
    seen = json.loads(result.stdout)
    assert seen == {
        "api": "http://127.0.0.1:8080/plutora/api",
        "control": "http://127.0.0.1:8080/_sim",
        "loaded": [],
    }


def test_the_urls_are_still_importable_from_the_server() -> None:
    assert simulator_server.SimulatorUrls is SimulatorUrls
