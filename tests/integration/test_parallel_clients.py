"""Several processes at once against one simulator: no lost or half-applied update."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from typing import Any

import requests

from tests.conftest import PLUTORA_KEY, TEST_KEY, USER, Api

WORKERS = 4
PER_WORKER = 25


def _token(session: requests.Session, url: str, key: dict[str, str]) -> str:
    form = {**key, **USER, "grant_type": "password"}
    return session.post(url, data=form, timeout=10).json()["access_token"]


def _work(job: dict[str, Any]) -> list[int]:
    """One process: create changes and patch its own custom fields of one shared defect."""
    session = requests.Session()
    plutora = {"Authorization": f"bearer {_token(session, job['plutora_token_url'], PLUTORA_KEY)}"}
    test = {"Authorization": f"bearer {_token(session, job['test_token_url'], TEST_KEY)}"}
    numbers = []
    for index in range(PER_WORKER):
        body = {**job["change"], "name": f"worker {job['worker']} change {index}"}
        created = session.post(
            job["plutora_api_url"] + "/changes", json=body, headers=plutora, timeout=10
        )
        assert created.status_code == 201, created.text
        numbers.append(created.json()["changeId"])
        field = {"Name": f"w{job['worker']}-{index}", "Value": str(index)}
        patched = session.patch(
            job["defect_url"], json={"Fields": [field]}, headers=test, timeout=10
        )
        assert patched.status_code == 200, patched.text
    return numbers


def test_parallel_processes_lose_no_update(plutora: Api, plutora_test: Api) -> None:
    lookups = {
        kind: plutora.get(f"/lookupfields/{kind}").json()[0]["id"]
        for kind in ("ChangeStatus", "ChangePriority", "ChangeType")
    }
    change = {
        "changeStatusId": lookups["ChangeStatus"],
        "changePriorityId": lookups["ChangePriority"],
        "changeTypeId": lookups["ChangeType"],
    }
    defect = plutora_test.post("/defects/search", json={}).json()["Data"]["ResultSet"][0]
    urls = plutora.sim.urls
    jobs = [
        {
            "worker": worker,
            "change": change,
            "plutora_token_url": urls.plutora_token_url,
            "plutora_api_url": urls.plutora_api_url,
            "test_token_url": urls.plutora_test_token_url,
            "defect_url": f"{urls.plutora_test_api_url}/defects/{defect['Id']}",
        }
        for worker in range(WORKERS)
    ]
    with ProcessPoolExecutor(max_workers=WORKERS) as pool:
        numbers = [n for result in pool.map(_work, jobs) for n in result]
    total = WORKERS * PER_WORKER
    assert sorted(numbers) == list(range(301, 301 + total))  # unique, no gaps
    assert len(plutora.get("/changes").json()) == 300 + total
    fields = plutora_test.get(f"/defects/{defect['Id']}").json()["Data"]["Fields"]
    added = {f["Name"] for f in fields} - {f["Name"] for f in defect["Fields"]}
    assert added == {f"w{w}-{i}" for w in range(WORKERS) for i in range(PER_WORKER)}
