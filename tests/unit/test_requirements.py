"""The unit tier's virtualenv (``make test-unit``) gets pyproject's pins of what it needs."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def pins(lines: list[str]) -> list[str]:
    return sorted(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def test_the_unit_requirements_pin_what_the_dev_extras_pin() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    unit = pins((ROOT / "tests" / "unit" / "requirements.txt").read_text().splitlines())
    names = {pin.split("==")[0] for pin in unit}

    assert names == {"pytest", "hypothesis", "pycountry"}
    pinned = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    assert unit == pins([pin for pin in pinned if pin.split("==")[0] in names])
