"""Production mode: refuses to start half-configured, and passes Django's deploy checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "p7#Lq9@vX2!mZ8$wR4^tY6&uI1*oP3(aS5)dF0_gH-jK+lN=bV"


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE", "DJANGO"))}
    clean.update({"DJANGO_SETTINGS_MODULE": "config.settings", **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_without_secret_key_refuses_to_start() -> None:
    result = manage("check", EMPORIUM_ENV="production", SECRET_KEY="", ALLOWED_HOSTS="shop.example")

    assert result.returncode != 0
    assert "Production mode needs SECRET_KEY." in result.stderr


def test_production_without_allowed_hosts_refuses_to_start() -> None:
    result = manage("check", EMPORIUM_ENV="production", SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="")

    assert result.returncode != 0
    assert "Production mode needs ALLOWED_HOSTS." in result.stderr


def test_production_passes_check_deploy_at_warning_level() -> None:
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        EMPORIUM_ENV="production",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="shop.example,.shop.example",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_development_default_fails_check_deploy() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", EMPORIUM_ENV="development")

    assert result.returncode != 0
