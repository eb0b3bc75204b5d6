"""The provider registry: built-ins, plugins by entry point, a broken plugin skipped."""

from __future__ import annotations

import logging
from importlib.metadata import EntryPoint

import pytest

from emporium.payments.adapters.card import CardProvider
from emporium.payments.adapters.registry import GROUP, discover


class FakeProvider:
    def validate(self, data: object) -> None:
        return None


def entry(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group=GROUP)


def test_card_is_built_in() -> None:
    assert isinstance(discover([])["card"], CardProvider)


def test_a_plugin_is_loaded_by_its_entry_point() -> None:
    found = discover([entry("fake", f"{__name__}:FakeProvider")])

    assert isinstance(found["fake"], FakeProvider)


def test_a_plugin_that_fails_to_load_is_logged_and_skipped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="emporium.payments.adapters.registry"):
        found = discover(
            [
                entry("broken", "no_such_module_anywhere:Provider"),
                entry("fake", f"{__name__}:FakeProvider"),
            ]
        )

    assert set(found) == {"card", "fake"}
    assert "broken" in caplog.text


def test_a_plugin_cannot_replace_a_built_in() -> None:
    assert isinstance(discover([entry("card", f"{__name__}:FakeProvider")])["card"], CardProvider)
