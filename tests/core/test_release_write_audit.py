"""A parallel run of the release writes under injected faults, then an audit: no release or
link created twice, every one reported created is there, no update of a release and no
change added to a release lost. Faults: answers dropped before and after processing, slow
answers past the read timeout, 503 and 429 on the reads."""

from __future__ import annotations

from collections import Counter
from typing import Any

from PlutoraLibrary.core import PlutoraClient, PlutoraConfig, SearchFilter
from PlutoraLibrary.simulator import PlutoraSimulator
from tests.conftest import Control
from tests.core.audit import attempt, run_workers, worker_settings
from tests.core.conftest import config_for

WORKERS, ROUNDS = 4, 3


def _work(job: dict[str, Any]) -> dict[str, str]:
    """One process: per round a release, its update, a change added to it and a link to the
    worker's anchor release; what the client said of each."""
    outcomes: dict[str, str] = {}
    with PlutoraClient(PlutoraConfig.from_env({}, **job["settings"])) as plutora:
        for number in range(ROUNDS):
            tag = f"AUDIT-R-{job['worker']}-{number}"
            fields = {**job["release"], "identifier": tag, "name": f"Audit {tag}"}
            release = attempt(outcomes, f"release {tag}", plutora.create_release, fields)
            if release is None:
                continue
            plutora.update_release(release["id"], {**release, "summary": f"updated {tag}"})
            outcomes[f"update {tag}"] = "sent"
            plutora.link_change_to_release(job["change"], release["id"])
            outcomes[f"delivered {tag}"] = "sent"
            link = plutora.link_items
            attempt(outcomes, f"link {tag}", link, "release", release["id"], job["anchor"])
    return outcomes


def test_a_faulty_parallel_run_of_release_writes_creates_nothing_twice_and_loses_nothing(
    sim: PlutoraSimulator, control: Control, tmp_path: Any
) -> None:
    config = config_for(sim)
    with PlutoraClient(config) as plutora:
        release = {
            "implementationDate": "2027-02-28",
            "releaseStatusTypeId": plutora.lookup_id("ReleaseStatusType", "Draft"),
            "plutoraReleaseType": "Independent",
        }
        changes = [c["id"] for c in plutora.changes()[:WORKERS]]
        anchors = [r["id"] for r in plutora.releases()[:WORKERS]]
    settings = worker_settings(sim, tmp_path)
    for path in ("/releases$", "/linkedItems$"):
        control.fault(path=path, method="POST", kind="drop", stage="after", count=2)
        control.fault(path=path, method="POST", kind="drop", stage="before", count=1)
    control.fault(path="/releases$", method="POST", kind="delay", seconds=1.0, stage="after")
    control.fault(path="/releases/[^/]+$", method="PUT", kind="drop", stage="after", count=2)
    control.fault(path="/deliveryReleases/", method="PUT", kind="drop", stage="after", count=2)
    control.fault(path="/releases/filter", method="POST", kind="status", status=503, count=2)
    control.fault(path="/api/", kind="rate_limit", retryAfter=1, count=3)
    jobs = [
        {
            "worker": w,
            "settings": settings,
            "release": release,
            "change": changes[w],
            "anchor": anchors[w],
        }
        for w in range(WORKERS)
    ]
    reports = run_workers(_work, jobs, control)

    with PlutoraClient(config) as plutora:
        found = plutora.search_releases(
            [SearchFilter("identifier", "StartsWith", "AUDIT-R-")], page_size=100
        ).items
        identifiers = Counter(r["identifier"] for r in found)
        ids = {r["identifier"]: r["id"] for r in found}
        for worker, report in enumerate(reports):
            for key, outcome in report.items():
                kind, _, tag = key.partition(" ")
                if kind == "release":
                    assert identifiers[tag] <= 1, f"{tag} was created twice"
                    assert outcome != "created" or identifiers[tag] == 1, f"{tag} is missing"
                elif kind == "update":
                    assert plutora.release(ids[tag])["summary"] == f"updated {tag}", "lost"
                elif kind == "delivered":
                    delivered = [c["id"] for c in plutora.release_changes(ids[tag])]
                    assert delivered == [jobs[worker]["change"]], f"{tag}: a change was lost"
                elif kind == "link" and tag in ids:
                    links = Counter(
                        i["linkedItemId"] for i in plutora.linked_items("release", ids[tag])
                    )
                    anchor = jobs[worker]["anchor"]
                    assert links[anchor] <= 1, f"{tag} was linked twice"
                    assert outcome != "created" or links[anchor] == 1
    outcomes = Counter(o for r in reports for o in r.values())
    assert outcomes["created"] > outcomes["unknown"]  # most writes went through
