"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Playwright never downloads a browser here: ``make install`` installs Debian's ``chromium`` and
the Playwright release built for its major version (pyproject.toml), and the browser is
launched from ``/usr/bin/chromium``. Without either the tests are skipped with a reason naming
what is missing, and the run ends with a BROWSER MISSING banner (tests/conftest.py).

Every name resolves to 127.0.0.1 in the browser (``--host-resolver-rules``), so a shop's host
(``acme.localhost:<port>``) reaches the live server. A test that fails leaves its Playwright
trace (``trace.zip``: open it with ``playwright show-trace``) and a screenshot under
``test-artifacts/<test>/``.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BROWSER_SKIP_PREFIX

CHROMIUM = Path(os.environ.get("EMPORIUM_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * 127.0.0.1",
]
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 375, "height": 740}


def _missing() -> str | None:
    """Return what the browser tests lack, or None when they can run."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed (make install)"
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"{CHROMIUM} is missing: apt-get install -y chromium (make install does)"
    return None


MISSING = _missing()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if MISSING is None:
        return
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.skip(reason=f"{BROWSER_SKIP_PREFIX} {MISSING}"))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the item (``item.rep_call``), for the tracing fixture."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, for one module's tests."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; Django would take the tests'
    # own database calls for async code and refuse them, while the browser is open only.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Callable[..., Any]]:
    """Return ``open_page(viewport=LAPTOP)``: a page in a fresh browser context (its own
    cookies), traced; when the test fails, its trace and a screenshot of each page are kept."""
    from playwright.sync_api import Error as PlaywrightError

    contexts: list[Any] = []

    def open_page(viewport: dict[str, int] = LAPTOP) -> Any:
        context = browser.new_context(viewport=viewport)
        context.tracing.start(screenshots=True, snapshots=True, sources=False)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page

    report = getattr(request.node, "rep_call", None)
    failed = report is None or report.failed
    folder = ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
    shutil.rmtree(folder, ignore_errors=True)  # an earlier run's, whatever this one does
    if failed and contexts:
        folder.mkdir(parents=True)
    for number, context in enumerate(contexts, start=1):
        suffix = "" if number == 1 else f"-{number}"
        if failed:
            for index, page in enumerate(context.pages, start=1):
                shot = folder / f"screenshot{suffix}{'' if index == 1 else f'-{index}'}.png"
                try:
                    page.screenshot(path=str(shot), full_page=True)
                except PlaywrightError as error:  # a crashed page still leaves its trace
                    print(f"no screenshot of {page.url}: {error}")
            context.tracing.stop(path=str(folder / f"trace{suffix}.zip"))
            print(f"kept the trace and screenshots of {request.node.nodeid} in {folder}")
        else:
            context.tracing.stop()
        context.close()
