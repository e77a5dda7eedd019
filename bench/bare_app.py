"""The baseline for the simulator benchmark: a bare aiohttp app on the same server stack.

It answers every GET with one fixed release body, doing nothing else: no routing of its own,
no token check, no rate limit, no counters. Run: ``python bench/bare_app.py READY_FILE``.
"""

from __future__ import annotations

import json
import socket
import sys
from pathlib import Path

from aiohttp import web

BODY = json.dumps(
    {
        "id": "6678d6bb-ddf6-48cf-9c32-c993db65ad50",
        "identifier": "IND-2026.001",
        "name": "Claims Maintenance Nov 2026",
        "summary": "Maintenance release of Claims for Acme Holdings.",
        "releaseTypeId": "05b6e6e3-07d4-4edc-9143-1193e6c3f339",
        "releaseType": "Maintenance",
        "location": "Chicago",
        "releaseStatusTypeId": "cd613e30-d8f1-4adf-91b7-584a2265b1f5",
        "releaseStatusType": "Draft",
        "releaseRiskLevelId": "afbd67f9-6196-49cf-a198-8ad9f06c144a",
        "releaseRiskLevel": "Medium",
        "implementationDate": "2026-11-24T00:00:00",
        "displayColor": "#1ad402",
        "organizationId": "c10faa40-03ba-43db-b3f7-ba8e0445d656",
        "organization": "Acme Holdings",
        "managerId": "62397bc7-0176-4741-bab9-f87ff5059285",
        "manager": "Devon Patel",
        "parentReleaseId": None,
        "parentRelease": None,
        "plutoraReleaseType": "Independent",
        "releaseProjectType": "NotIsProject",
        "lastModifiedDate": "2025-09-12T10:50:54.7226107+00:00",
        "additionalInformation": [
            {"id": "a6e72757", "name": "Budget Code", "type": "FreeText", "text": "BC-594"}
        ],
    },
    separators=(",", ":"),
)


async def release(request: web.Request) -> web.Response:
    return web.Response(text=BODY, content_type="application/json", charset="utf-8")


def main() -> None:
    app = web.Application()
    app.router.add_get("/{tail:.*}", release)
    sock = socket.create_server(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    Path(sys.argv[1]).write_text(json.dumps({"base": f"http://127.0.0.1:{port}"}), encoding="utf-8")
    web.run_app(app, sock=sock, access_log=None, print=None)


if __name__ == "__main__":
    main()
