"""Test-suite wiring that needs no Django: the Django tiers' part is a plugin, loaded on demand.

pytest-django sets Django up before any conftest is imported. When it has (``make test``, the
integration, end-to-end and fault tiers), ``tests.django_plugin`` brings the service markers,
the database and cache fixtures and the tenant and account factories. When it has not
(``make test-unit``: a virtualenv without Django, or ``-p no:django``), nothing here imports
Django, and ``tests/unit`` runs as plain Python.
"""

from __future__ import annotations

import pytest


def _django_is_set_up() -> bool:
    """Return whether pytest-django configured Django for this run."""
    try:
        from django.conf import settings
    except ImportError:
        return False
    return settings.configured


if _django_is_set_up():
    pytest_plugins = ["tests.django_plugin"]


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    # pyproject.toml names the settings for pytest-django; where that plugin is absent the key
    # is declared here, so that the run does not warn about an unknown option.
    if not pluginmanager.has_plugin("django"):
        parser.addini("DJANGO_SETTINGS_MODULE", "read by pytest-django; unused without it")


#: What tests/e2e/browser's skips say when Chromium or Playwright is missing.
BROWSER_SKIP_PREFIX = "browser unavailable:"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print a banner counting the browser tests skipped for want of a browser.

    Here, not in tests/e2e/browser's conftest: under xdist only the workers load that one.
    """
    reasons = [
        reason
        for report in terminalreporter.stats.get("skipped", [])
        if BROWSER_SKIP_PREFIX in (reason := _skip_reason(report))
    ]
    if reasons:
        missing = reasons[0].split(BROWSER_SKIP_PREFIX, 1)[1].strip()
        terminalreporter.write_sep("!", "BROWSER MISSING", red=True, bold=True)
        terminalreporter.write_line(
            f"{len(reasons)} browser tests were SKIPPED: {missing}", red=True, bold=True
        )


def _skip_reason(report: pytest.TestReport) -> str:
    # A skip's longrepr is (path, line, "Skipped: <reason>").
    longrepr = getattr(report, "longrepr", None)
    return str(longrepr[2]) if isinstance(longrepr, tuple) else str(longrepr)
