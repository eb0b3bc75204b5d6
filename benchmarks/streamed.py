"""What the export benchmarks share: memory readings, a run's figures, and their table."""

from __future__ import annotations

import gc
import os
import sys
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.db import connections
from rich.console import Console
from rich.table import Table


def rss_kib() -> int:
    """Return this process's resident memory (``VmRSS``) in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def traced_peak_kib(work: Callable[[], object]) -> int:
    """Run ``work`` under ``tracemalloc``; return its peak above what was traced before, KiB."""
    gc.collect()
    tracemalloc.start()
    try:
        base, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        work()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return (peak - base) // 1024


@dataclass
class Run:
    """One streamed export's figures."""

    name: str
    rows: int
    seconds: float
    bytes: int
    rss_growth_kib: int
    traced_peak_kib: int = 0

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def print_runs(
    console: Console,
    title: str,
    runs: Sequence[Run],
    *,
    name: str = "shop",
    first: Sequence[tuple[str, Callable[[Run], str]]] = (),
) -> None:
    """Print the runs' figures (their ``name`` column, the benchmark's own ``first`` ones, then
    the shared ones), then the versions of PostgreSQL and Python they ran on."""
    columns: list[tuple[str, Callable[[Run], str]]] = [
        (name, lambda run: run.name),
        *first,
        ("rows", lambda run: f"{run.rows:,}"),
        ("s", lambda run: f"{run.seconds:.2f}"),
        ("rows/s", lambda run: f"{run.rate:,.0f}"),
        ("MiB", lambda run: f"{run.bytes / 2**20:.1f}"),
        ("RSS growth KiB", lambda run: f"{run.rss_growth_kib:,}"),
        ("tracemalloc peak KiB", lambda run: f"{run.traced_peak_kib:,}"),
    ]
    table = Table(title=f"{title}, {os.cpu_count()} cores")
    for header, _ in columns:
        table.add_column(header, justify="right")
    for run in runs:
        table.add_row(*(cell(run) for _, cell in columns))
    console.print(table)
    with connections["default"].cursor() as cursor:
        cursor.execute("SHOW server_version")
        (version,) = cursor.fetchone()
    console.print(f"PostgreSQL {version}, Python {sys.version.split()[0]}.")
