"""The setup step works on a fresh clone: it creates the SQLite folder it needs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_setup_database_creates_the_sqlite_folder_and_migrates(tmp_path: Path) -> None:
    database = tmp_path / "fresh" / "var" / "emporium.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE", "DJANGO"))}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "SQLITE_PATH": str(database)})

    result = subprocess.run(
        [sys.executable, "manage.py", "setup_database", "--verbosity", "0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert database.exists()
