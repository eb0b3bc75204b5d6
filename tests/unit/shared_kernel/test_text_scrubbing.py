"""Scrubbing a person's strings out of free text and JSON copies."""

from __future__ import annotations

from emporium.shared_kernel.text_scrubbing import scrub_json, scrub_keys, scrub_text

VALUES = ["ann.lee@mail.example", "Ann Lee", "1 Quay St", "Al", ""]


def test_free_text_loses_every_occurrence_in_any_case_the_longest_first() -> None:
    error = "550 <ANN.LEE@mail.example>: mailbox of ann lee unavailable (1 quay st); Alpine"

    assert scrub_text(error, VALUES) == (
        "550 <[erased]>: mailbox of [erased] unavailable ([erased]); Alpine"
    )


def test_json_loses_whole_values_only_and_keeps_keys_numbers_and_other_strings() -> None:
    payload = {
        "email": "ann.lee@mail.example",
        "name": " ann lee ",
        "lines": [{"name": "Alpine mug", "quantity": 2}, {"name": "Al"}],
        "shipping_address": {"line1": "1 Quay St", "line2": "", "country": "GB"},
        "Ann Lee": 1,
    }

    assert scrub_json(payload, VALUES, {"ann.lee@mail.example": "erased-1@erased.invalid"}) == {
        "email": "erased-1@erased.invalid",
        "name": "[erased]",
        "lines": [{"name": "Alpine mug", "quantity": 2}, {"name": "[erased]"}],
        "shipping_address": {"line1": "[erased]", "line2": "", "country": "GB"},
        "Ann Lee": 1,
    }


def test_nothing_to_look_for_changes_nothing() -> None:
    assert scrub_text("Ann Lee", []) == "Ann Lee"
    assert scrub_json({"a": "b"}, [""]) == {"a": "b"}


def test_keys_lose_their_strings_whatever_the_value_and_nothing_else_changes() -> None:
    payload = {
        "email": "old.address@mail.example",
        "total": 12,
        "note": "Ludlowgrange",
        "shipping_address": {"city": "Ludlowgrange", "line2": "", "country": "GB"},
    }
    keys = ["email", "shipping_address.city", "shipping_address.line2", "missing.key", "total"]

    scrubbed = scrub_keys(payload, keys, {"email": "erased-1@erased.invalid"})

    assert scrubbed == {
        "email": "erased-1@erased.invalid",
        "total": 12,
        "note": "Ludlowgrange",
        "shipping_address": {"city": "[erased]", "line2": "", "country": "GB"},
    }
    assert payload["shipping_address"]["city"] == "Ludlowgrange"  # a copy, not in place
