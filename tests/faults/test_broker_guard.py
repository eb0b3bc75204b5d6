"""The fault tests stop the shared RabbitMQ only where that was allowed (no broker needed here)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.faults import broker


@pytest.mark.parametrize(
    ("env", "started_here", "allowed"),
    [
        ({}, False, False),
        ({"EMPORIUM_REQUIRE_SERVICES": "1"}, False, False),
        ({"CI": "false"}, False, False),
        ({"EMPORIUM_FAULTS_MAY_STOP_BROKER": "0"}, False, False),
        ({"EMPORIUM_FAULTS_MAY_STOP_BROKER": "yes"}, False, False),
        ({"CI": "true"}, False, True),
        ({"CI": "1"}, False, True),
        ({"EMPORIUM_FAULTS_MAY_STOP_BROKER": "1"}, False, True),
        ({}, True, True),
    ],
)
def test_who_may_stop_the_broker(env: dict[str, str], started_here: bool, allowed: bool) -> None:
    assert broker.may_stop(env, started_here) is allowed


def test_stop_refuses_a_node_it_may_not_stop_before_touching_anything(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    commands: list[Any] = []
    monkeypatch.setattr(broker.subprocess, "run", lambda *a, **k: commands.append(a))
    monkeypatch.setattr(broker, "STOPPED_FLAG", tmp_path / "stopped")
    monkeypatch.setattr(broker, "_started_here", False)

    with pytest.raises(broker.NotOurBroker, match="EMPORIUM_FAULTS_MAY_STOP_BROKER=1"):
        broker.stop("amqp://guest:guest@127.0.0.1:5672//", env={})

    assert commands == []
    assert not (tmp_path / "stopped").exists()
