"""Upcaster chains: a stored payload of an old schema version brought to the current shape."""

from __future__ import annotations

import copy
import re

import pytest

from emporium.shared_kernel.upcasting import Payload, UnknownSchemaVersion, UpcasterChain

PLACED = "shop.thing_placed"


def chain() -> UpcasterChain:
    """Return a chain where things are at v3: v2 added a currency, v3 renamed price to amount."""
    upcasters = UpcasterChain({PLACED: 3, "shop.thing_shipped": 1})

    @upcasters.register(PLACED, from_version=1)
    def add_currency(payload: Payload) -> Payload:
        payload["currency"] = "EUR"
        return payload

    @upcasters.register(PLACED, from_version=2)
    def rename_price(payload: Payload) -> Payload:
        payload["amount"] = payload.pop("price")
        return payload

    return upcasters


def test_an_old_payload_goes_through_every_step_in_order() -> None:
    assert chain().upcast(PLACED, 1, {"price": 5}) == {"currency": "EUR", "amount": 5}
    assert chain().upcast(PLACED, 2, {"price": 5, "currency": "USD"}) == {
        "currency": "USD",
        "amount": 5,
    }


def test_a_current_payload_and_an_unknown_type_pass_as_they_are() -> None:
    assert chain().upcast(PLACED, 3, {"amount": 5}) == {"amount": 5}
    assert chain().upcast("shop.thing_shipped", 1, {"at": "now"}) == {"at": "now"}
    assert chain().current_version("shop.unknown") == 1
    assert chain().upcast("shop.unknown", 1, {"x": 1}) == {"x": 1}


def test_a_version_newer_than_the_current_one_is_refused() -> None:
    # Written by a newer release (after a rollback, say): guessing its shape would lose data.
    with pytest.raises(
        UnknownSchemaVersion, match=re.escape("shop.thing_placed v4 is newer than v3")
    ):
        chain().upcast(PLACED, 4, {"amount": 5})
    with pytest.raises(
        UnknownSchemaVersion, match=re.escape("shop.thing_shipped v2 is newer than v1")
    ):
        chain().upcast("shop.thing_shipped", 2, {})


def test_a_missing_step_is_refused_not_skipped() -> None:
    upcasters = UpcasterChain({PLACED: 3})
    upcasters.register(PLACED, from_version=2)(lambda payload: {**payload, "amount": 0})

    with pytest.raises(
        UnknownSchemaVersion, match=re.escape("no upcaster for shop.thing_placed v1")
    ):
        upcasters.upcast(PLACED, 1, {"price": 5})
    assert upcasters.upcast(PLACED, 2, {"price": 5}) == {"price": 5, "amount": 0}


def test_the_input_payload_is_not_changed() -> None:
    stored = {"price": 5, "note": "as stored"}
    before = copy.deepcopy(stored)

    upcast = chain().upcast(PLACED, 1, stored)

    assert stored == before
    assert upcast is not stored


def test_only_an_older_version_can_have_an_upcaster() -> None:
    upcasters = UpcasterChain({PLACED: 2})

    with pytest.raises(
        ValueError, match=re.escape("shop.thing_placed v2 is not older than the current one")
    ):
        upcasters.register(PLACED, from_version=2)
    with pytest.raises(
        ValueError, match=re.escape("shop.other v1 is not older than the current one")
    ):
        upcasters.register("shop.other", from_version=1)
