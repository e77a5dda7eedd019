"""One login attempt per user and credentials per run: the refusal memory, in a folder and in
the process, against the simulator over loopback."""

from __future__ import annotations

import hashlib
import json
import stat
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from PlutoraLibrary.core import (
    AccountLocked,
    Credentials,
    LoginRejected,
    PlutoraClient,
    PlutoraConfig,
)
from PlutoraLibrary.core.refusals import (
    FolderStore,
    LoginIdentity,
    Refusal,
    RefusalMemory,
    forget_process_refusals,
)
from PlutoraLibrary.simulator import PlutoraSimulator
from tests.core.conftest import config_for

USER = "refused.once@example.com"
RIGHT = "Right-Password-1"


def _attempts(sim: PlutoraSimulator, user: str = USER) -> int:
    return int(sim.counters()["loginAttempts"].get(f"plutora:{user}", 0))


def _config(sim: PlutoraSimulator, password: str, **options: object) -> PlutoraConfig:
    return config_for(sim, username=USER, password=password, **options)


@pytest.fixture
def refusing_sim(sim: PlutoraSimulator) -> PlutoraSimulator:
    sim.add_user(USER, RIGHT)
    return sim


def _identity(password: str = "wrong-one") -> LoginIdentity:  # noqa: S107
    return LoginIdentity(
        "https://usoauth.plutora.com/oauth/token",
        Credentials("client", "client-secret-value", USER, password),
    )


# -- the memory itself -------------------------------------------------------------------------


def test_a_record_names_no_secret_and_holds_a_salted_slow_hash(tmp_path: Path) -> None:
    memory = RefusalMemory.for_folder(tmp_path, lifetime=60)
    identity = _identity("my-secret-password")
    memory.remember(identity, Refusal.now("LoginRejected", 400, "validation_error", "No.", 60))
    [record_file] = list(tmp_path.glob("refusal-*.json"))
    text = record_file.read_text(encoding="utf-8")
    assert "my-secret-password" not in text
    assert "client-secret-value" not in text
    assert USER not in record_file.name
    assert USER not in text
    assert stat.S_IMODE(record_file.stat().st_mode) == 0o600
    record = json.loads(text)
    assert hashlib.sha256(identity.material()).hexdigest() != record["digest"]  # not bare
    assert len(bytes.fromhex(record["salt"])) == 16
    # The same credentials remembered again get another salt, so another digest.
    memory.remember(identity, Refusal.now("LoginRejected", 400, "validation_error", "No.", 60))
    assert json.loads(record_file.read_text(encoding="utf-8"))["salt"] != record["salt"]


def test_the_same_credentials_are_recalled_other_ones_are_not(tmp_path: Path) -> None:
    memory = RefusalMemory.for_folder(tmp_path, lifetime=60)
    memory.remember(_identity(), Refusal.now("LoginRejected", 400, "validation_error", "No", 60))
    recalled = RefusalMemory(FolderStore(tmp_path), lifetime=60).recall(_identity())
    assert recalled is not None
    assert recalled.kind == "LoginRejected"
    assert recalled.where == str(tmp_path)
    assert memory.recall(_identity("the-fixed-password")) is None


def test_a_refusal_expires(tmp_path: Path) -> None:
    memory = RefusalMemory.for_folder(tmp_path, lifetime=60)
    memory.remember(_identity(), Refusal.now("LoginRejected", 400, "validation_error", "No", 1))
    assert memory.recall(_identity()) is not None
    time.sleep(1.1)
    assert memory.recall(_identity()) is None


def test_an_unreadable_record_counts_as_none(tmp_path: Path) -> None:
    memory = RefusalMemory.for_folder(tmp_path, lifetime=60)
    (tmp_path / f"refusal-{_identity().who}.json").write_text("{not json", encoding="utf-8")
    assert memory.recall(_identity()) is None


# -- against the simulator ----------------------------------------------------------------------


def test_a_refusal_outlives_closed_clients_in_one_process(refusing_sim: PlutoraSimulator) -> None:
    # Defect: the refusal was kept by the client, so closing it (Close Plutora Connections in
    # every suite teardown) made every suite try the wrong password again.
    for _ in range(6):
        with PlutoraClient(_config(refusing_sim, "wrong")) as client, pytest.raises(LoginRejected):
            client.current_user()
    assert _attempts(refusing_sim) == 1


def test_processes_sharing_a_state_folder_try_once_and_say_nothing_was_sent(
    refusing_sim: PlutoraSimulator, tmp_path: Path
) -> None:
    config = _config(refusing_sim, "wrong", run_state_dir=str(tmp_path / "state"))
    with PlutoraClient(config) as client, pytest.raises(LoginRejected) as first:
        client.current_user()
    assert first.value.note is None
    forget_process_refusals()  # as another process of the run would start: nothing in memory
    with PlutoraClient(config) as client, pytest.raises(LoginRejected) as second:
        client.current_user()
    assert _attempts(refusing_sim) == 1
    message = str(second.value)
    assert "nothing was sent now" in message
    assert str(tmp_path / "state") in message
    assert "Login failed" in message  # the server's own words, as first said
    # The right password is tried at once, works, and clears the memory.
    forget_process_refusals()
    with PlutoraClient(_config(refusing_sim, RIGHT, run_state_dir=str(tmp_path / "state"))) as c:
        assert c.current_user() == USER
    assert not list((tmp_path / "state").glob("refusal-*.json"))
    assert _attempts(refusing_sim) == 2


def test_new_credentials_get_their_one_attempt(refusing_sim: PlutoraSimulator) -> None:
    for password in ("wrong-1", "wrong-1", "wrong-2", "wrong-2", "wrong-1"):
        with PlutoraClient(_config(refusing_sim, password)) as client, pytest.raises(LoginRejected):
            client.current_user()
    # wrong-1, then wrong-2 (new credentials), then wrong-1 again: its record was replaced by
    # wrong-2's, so it is tried once more. Never twice in a row.
    assert _attempts(refusing_sim) == 3


def test_a_refusal_is_tried_again_after_the_memory_expires(
    refusing_sim: PlutoraSimulator, tmp_path: Path
) -> None:
    config = _config(refusing_sim, "wrong", run_state_dir=str(tmp_path), refusal_memory_seconds=2)
    for _ in range(2):
        with PlutoraClient(config) as client, pytest.raises(LoginRejected):
            client.current_user()
    assert _attempts(refusing_sim) == 1
    time.sleep(2.1)
    forget_process_refusals()
    with PlutoraClient(config) as client, pytest.raises(LoginRejected):
        client.current_user()
    assert _attempts(refusing_sim) == 2


def test_an_unlocked_account_works_again_after_the_memory_expires(
    refusing_sim: PlutoraSimulator, tmp_path: Path
) -> None:
    # Locked, then unlocked by an administrator: the right password works once the refusal
    # memory ran out, without deleting any file.
    form = {
        "client_id": "sim-plutora-client", "client_secret": "sim-plutora-secret",
        "grant_type": "password", "username": USER, "password": "x",
    }  # fmt: skip
    for _ in range(5):
        assert requests.post(refusing_sim.urls.plutora_token_url, data=form, timeout=10).ok is False
    config = _config(refusing_sim, RIGHT, run_state_dir=str(tmp_path), refusal_memory_seconds=2)
    with PlutoraClient(config) as client, pytest.raises(AccountLocked):
        client.current_user()
    refusing_sim.unlock_user(USER)
    with PlutoraClient(config) as client, pytest.raises(AccountLocked):
        client.current_user()  # still remembered: not sent
    assert _attempts(refusing_sim) == 6
    time.sleep(2.1)
    forget_process_refusals()
    with PlutoraClient(config) as client:
        assert client.current_user() == USER


def test_a_refusal_memory_of_zero_or_too_long_is_refused() -> None:
    from PlutoraLibrary.core import ConfigurationError

    for value in ("1e300", "inf"):
        with pytest.raises(ConfigurationError, match="refusal_memory_seconds"):
            PlutoraConfig.from_env({"PLUTORA_REFUSAL_MEMORY": value})
    with pytest.raises(ConfigurationError, match="deadline_seconds"):
        PlutoraConfig.from_env({"PLUTORA_DEADLINE": "1e12"})
    with pytest.raises(
        ConfigurationError,
        match=r"refusal_memory_seconds \(PLUTORA_REFUSAL_MEMORY\) must be more than 0",
    ):
        PlutoraConfig.from_env({"PLUTORA_REFUSAL_MEMORY": "0"})


def test_secret_texts_work_as_text_and_never_show() -> None:
    from PlutoraLibrary.core import Token
    from PlutoraLibrary.core.secret import SecretText, holds_secret

    credentials = Credentials("id", "the-client-secret", USER, "the-password")
    token = Token("the-access-token", time.time() + 60, "plutora", lifetime=60)
    assert f"bearer {token.value}" == "bearer the-access-token"
    assert isinstance(credentials.password, SecretText)
    for shown in (repr(token.value), repr(credentials.password), repr(credentials), str(token)):
        assert "the-" not in shown
    assert credentials == Credentials("id", "the-client-secret", USER, "the-password")
    assert credentials != Credentials("id", "the-client-secret", USER, "other")
    assert holds_secret(credentials)
    assert holds_secret(token)
    assert not holds_secret("plain text")
    assert holds_secret(("user", SecretText("the-password")))
    assert not holds_secret(("user", "plain text"))


def test_a_refusal_another_process_forgot_is_not_kept_by_this_one(
    refusing_sim: PlutoraSimulator, tmp_path: Path
) -> None:
    # This process's copy only saves the slow hash: when another process deletes the shared
    # record (Unlock Simulator User, or a fixed password that worked), the next call logs in.
    config = _config(refusing_sim, "wrong", run_state_dir=str(tmp_path))
    with PlutoraClient(config) as client, pytest.raises(LoginRejected):
        client.current_user()
    for record in tmp_path.glob("refusal-*.json"):
        record.unlink()
    with PlutoraClient(config) as client, pytest.raises(LoginRejected):
        client.current_user()
    assert _attempts(refusing_sim) == 2


def test_two_clients_in_two_threads_without_a_folder_try_once(
    refusing_sim: PlutoraSimulator,
) -> None:
    barrier = threading.Barrier(4)

    def refused(_: int) -> bool:
        with PlutoraClient(_config(refusing_sim, "wrong")) as client:
            barrier.wait()
            with pytest.raises(LoginRejected):
                client.current_user()
        return True

    with ThreadPoolExecutor(4) as pool:
        assert all(pool.map(refused, range(4)))
    assert _attempts(refusing_sim) == 1
