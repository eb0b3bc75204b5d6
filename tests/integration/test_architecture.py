"""The architecture checks of ``make lint`` fail on a planted import that runs back up the layers.

Each test copies ``emporium/`` and the contracts to a temporary folder, plants one import and
runs the real check on the copy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """Return a folder holding a copy of the package and of pyproject.toml."""
    shutil.copytree(
        ROOT / "emporium", tmp_path / "emporium", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copytree(
        ROOT / "config", tmp_path / "config", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def plant(copy: Path, module: str, line: str) -> None:
    """Append ``line`` to ``module`` of the copy."""
    path = copy / (module.replace(".", "/") + ".py")
    path.write_text(path.read_text() + f"\n{line}\n")


def run(copy: Path, *command: str) -> subprocess.CompletedProcess[str]:
    """Run ``command`` in the copy, which comes first on the import path."""
    env = {**os.environ, "PYTHONPATH": str(copy)}
    return subprocess.run(
        command, cwd=copy, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def lint_imports(copy: Path) -> subprocess.CompletedProcess[str]:
    return run(copy, str(Path(sys.executable).parent / "lint-imports"), "--no-cache")


def test_the_contracts_hold_on_an_untouched_copy(copy: Path) -> None:
    result = lint_imports(copy)

    assert result.returncode == 0, result.stdout
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        # tenancy sits below ordering: an import back up is a layering violation.
        (
            "emporium.tenancy.bootstrap",
            "import emporium.ordering.public",
            "Packages are layered: each imports only the packages below it BROKEN",
        ),
        # infrastructure sits below every context.
        (
            "emporium.infrastructure.bus",
            "import emporium.catalog.public",
            "Packages are layered: each imports only the packages below it BROKEN",
        ),
        # catalog and notifications are independent siblings.
        (
            "emporium.catalog.bootstrap",
            "import emporium.notifications.bootstrap",
            "Packages are layered: each imports only the packages below it BROKEN",
        ),
        # ordering may use inventory's public module only, never its adapters.
        (
            "emporium.ordering.bootstrap",
            "import emporium.inventory.adapters.queries",
            "Contexts are independent except through their public module BROKEN",
        ),
        # inside a context, adapters never import the api.
        (
            "emporium.catalog.adapters.queries",
            "import emporium.catalog.api.products",
            "Each context is layered: api -> bootstrap -> adapters -> application -> domain BROKEN",
        ),
        # the platform imports nothing else of emporium.
        (
            "emporium.multitenancy.context",
            "import emporium.shared_kernel.money",
            "The multi-tenancy platform imports nothing else of emporium BROKEN",
        ),
    ],
)
def test_a_planted_import_breaks_its_contract(
    copy: Path, module: str, line: str, contract: str
) -> None:
    plant(copy, module, line)

    result = lint_imports(copy)

    assert result.returncode == 1
    assert contract in result.stdout


def test_the_import_graph_has_no_cycle(copy: Path) -> None:
    result = run(copy, sys.executable, str(ROOT / "scripts" / "import_graph.py"))

    assert result.returncode == 0, result.stdout
    assert "no cycle" in result.stdout


def test_a_planted_cycle_is_named_with_its_imports(copy: Path) -> None:
    plant(copy, "emporium.shared_kernel.money", "import emporium.infrastructure.bus")

    result = run(copy, sys.executable, str(ROOT / "scripts" / "import_graph.py"))

    assert result.returncode == 1
    assert "cycle between packages: emporium.infrastructure <-> emporium.shared_kernel" in (
        result.stdout
    )
    assert "emporium.shared_kernel.money -> emporium.infrastructure.bus" in result.stdout
