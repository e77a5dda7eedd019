"""One simulated CI runner (a process with its own HOME, TMPDIR and token folder): run as
``python -m tests.shared_state.machine job.json``; writes what it saw to the job's ``out``.

Its settings come from the environment, as on a runner. It waits for the job's start time,
tries a wrong password once (as every runner of a sharded suite would), makes one Plutora Test
call, then calls Plutora's ``/me`` until the end, noting when each answer came. ``skew``
moves this machine's wall clock (``time.time``, which the library reads) that many seconds:
a runner whose clock runs off.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

#: The wall clock before any skew: for the start and the answers' times only.
real_time = time.time


def main(job_path: str) -> None:
    job: dict[str, Any] = json.loads(Path(job_path).read_text(encoding="utf-8"))
    skew = float(job.get("skew", 0))
    if skew:
        time.time = lambda: real_time() + skew  # the clock hook: this runner's clock is off

    warnings: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            warnings.append(record.getMessage())

    logging.getLogger("PlutoraLibrary").addHandler(Keep(logging.WARNING))
    from PlutoraLibrary.core import (
        LoginRejected,
        PlutoraClient,
        PlutoraConfig,
        PlutoraTestClient,
        RateLimited,
    )

    config = PlutoraConfig.from_env()
    wrong = config.with_options(
        plutora=config.plutora.__class__(
            config.plutora.product,
            config.plutora.token_url,
            config.plutora.api_url,
            config.plutora.credentials.__class__(
                job["audit"]["client_id"],
                job["audit"]["client_secret"],
                job["audit"]["username"],
                job["audit"]["wrong_password"],
            ),
        )
    )
    while real_time() < job["start_at"]:
        time.sleep(0.005)
    refused: list[str] = []
    for _ in range(2):  # a second try in this process too: remembered, not sent
        try:
            with PlutoraClient(wrong) as client:
                client.current_user()
        except LoginRejected as error:
            refused.append(str(error))
    with PlutoraTestClient(config) as test_client:
        test_client.search_defects(page_size=1)
    answered: list[float] = []
    limited = 0
    with PlutoraClient(config) as client:
        while real_time() < job["end_at"]:
            try:
                client.current_user()
                answered.append(real_time())
            except RateLimited:
                limited += 1
    out = {"answered": answered, "limited": limited, "refused": refused, "warnings": warnings}
    Path(job["out"]).write_text(json.dumps(out), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
