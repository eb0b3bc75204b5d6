"""Take a person's strings out of copies kept elsewhere: free text and JSON documents."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from typing import Any

#: What an erased string becomes.
ERASED = "[erased]"
#: Shorter values are not looked for inside free text: two letters would hit ordinary words.
MIN_TEXT_LENGTH = 3


def scrub_text(text: str, values: Iterable[str]) -> str:
    """Return ``text`` with every occurrence of each value (any case) replaced by ``[erased]``."""
    wanted = sorted(
        {value.strip() for value in values if len(value.strip()) >= MIN_TEXT_LENGTH},
        key=len,
        reverse=True,  # the longest first: an e-mail before the name inside it
    )
    if not text or not wanted:
        return text
    pattern = re.compile("|".join(re.escape(value) for value in wanted), re.IGNORECASE)
    return pattern.sub(ERASED, text)


def scrub_json(
    document: Any, values: Iterable[str], replacements: Mapping[str, str] | None = None
) -> Any:
    """Return ``document`` with each string equal to one of ``values`` (any case, trimmed)
    replaced by ``[erased]``, or by its entry in ``replacements`` (where a value must keep its
    shape: an e-mail stays an e-mail); other strings, numbers and keys stay as they are."""
    wanted = {value.strip().casefold(): ERASED for value in values if value.strip()}
    wanted.update({key.strip().casefold(): new for key, new in (replacements or {}).items()})
    return _scrub(document, wanted) if wanted else document


def _scrub(document: Any, wanted: dict[str, str]) -> Any:
    if isinstance(document, str):
        return wanted.get(document.strip().casefold(), document)
    if isinstance(document, list):
        return [_scrub(item, wanted) for item in document]
    if isinstance(document, dict):
        return {key: _scrub(value, wanted) for key, value in document.items()}
    return document


def scrub_keys(
    document: Any, keys: Iterable[str], replacements: Mapping[str, str] | None = None
) -> Any:
    """Return a copy of ``document`` with the string at each dotted key (``shipping_address.
    city``) replaced by ``[erased]``, or by its key's entry in ``replacements`` (an e-mail stays
    an e-mail); empty strings and keys the document lacks stay as they are, and so does
    everything else, whatever its value."""
    replacements = replacements or {}
    scrubbed = copy.deepcopy(document)
    for key in keys:
        *path, leaf = key.split(".")
        parent = scrubbed
        for part in path:
            parent = parent.get(part) if isinstance(parent, dict) else None
        if isinstance(parent, dict) and isinstance(parent.get(leaf), str) and parent[leaf]:
            parent[leaf] = replacements.get(key, ERASED)
    return scrubbed
