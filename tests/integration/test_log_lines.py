"""Every log line is written once, as JSON, in the settings ``make run`` uses (DEBUG on)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.integration.infrastructure.test_serve import ROOT, embedded_env

SCRIPT = """
import logging, django
django.setup()
logging.getLogger("django.request").warning("a refused request")
logging.getLogger("django.server").info("a served request")
logging.getLogger("emporium.ordering").info("an order")
"""


def test_django_and_emporium_lines_come_once_each_as_json(tmp_path) -> None:
    env = {**embedded_env(tmp_path), "DJANGO_SETTINGS_MODULE": "config.settings"}

    run = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert run.returncode == 0, run.stderr
    lines = [json.loads(line) for line in (run.stdout + run.stderr).splitlines()]
    assert [(line["logger"], line["level"], line["message"]) for line in lines] == [
        ("django.request", "WARNING", "a refused request"),
        ("django.server", "INFO", "a served request"),
        ("emporium.ordering", "INFO", "an order"),
    ]
