"""Settings: debug only from FULFILMENT_DEBUG, and the public development key only in debug."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SERVICE = Path(__file__).resolve().parents[1]
DEVELOPMENT_KEY = "fulfilment-development-key"
PRINT_SETTINGS = (
    "from fulfilment_service import settings as s; print(s.DEBUG, s.FULFILMENT_SERVICE_KEY)"
)


def _load(**environ: str) -> subprocess.CompletedProcess[str]:
    """Import the settings in a fresh interpreter with exactly these FULFILMENT_/DEBUG variables."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("FULFILMENT_") and name != "DEBUG"
    }
    env.update(environ)
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=SERVICE,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_fulfilment_debug_uses_the_development_key():
    loaded = _load(FULFILMENT_DEBUG="1")

    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.split() == ["True", DEVELOPMENT_KEY]


def test_the_generic_debug_variable_does_not_turn_debug_on():
    loaded = _load(DEBUG="1")

    assert loaded.returncode != 0
    assert "FULFILMENT_SERVICE_KEY is required" in loaded.stderr


def test_the_generic_debug_variable_leaves_debug_off_with_a_key():
    loaded = _load(DEBUG="1", FULFILMENT_SERVICE_KEY="a-real-key")

    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.split() == ["False", "a-real-key"]


@pytest.mark.parametrize("debug", [{}, {"FULFILMENT_DEBUG": "0"}, {"DEBUG": "1"}])
def test_the_development_key_given_explicitly_is_refused_without_debug(debug):
    loaded = _load(FULFILMENT_SERVICE_KEY=DEVELOPMENT_KEY, **debug)

    assert loaded.returncode != 0
    assert "public development key" in loaded.stderr


def test_the_development_key_given_explicitly_is_accepted_with_debug():
    loaded = _load(FULFILMENT_SERVICE_KEY=DEVELOPMENT_KEY, FULFILMENT_DEBUG="1")

    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.split() == ["True", DEVELOPMENT_KEY]
