"""How a context declares the personal data its tables hold: which columns, which JSON keys.

Each context lists, next to its models (``<context>/adapters/personal_data.py``, a module-level
``DECLARATION``), every column that holds data about a person and every column whose name only
sounds like it (``Product.name``) with the reason it is not. The declarations are plain data:
the customer export, the erasure, the tenant export and the registry's own test read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Erasure(StrEnum):
    """What erasing a customer does to a column (or to its listed JSON keys)."""

    #: A value that names no one takes its place (``[erased]``, ``erased-<id>@erased.invalid``),
    #: where the column cannot be empty or its shape must stay valid (an address, an e-mail).
    REPLACE = "replace"
    #: Emptied: ``""``, ``null`` or ``{}``.
    BLANK = "blank"
    #: The row goes (it serves no accounting purpose once the person is gone).
    DELETE_ROW = "delete-row"
    #: Every occurrence of the person's e-mail, name and address lines in the text is replaced
    #: (free text: error messages, a JSON envelope kept as text).
    SCRUB_TEXT = "scrub-text"


class Export(StrEnum):
    """Whether the customer export shows the column."""

    INCLUDED = "included"
    #: Held only to run the system (a copy of what the export shows elsewhere, a hash).
    OMITTED = "omitted"


@dataclass(frozen=True)
class PersonalField:
    """A column holding personal data: ``model`` is ``app_label.ModelName``."""

    model: str
    field: str
    #: What it holds: e-mail, name, address, ip, user-agent, free-text, card, activity.
    holds: tuple[str, ...]
    erasure: Erasure
    export: Export
    #: For a JSON column (or a JSON document kept as text): the keys that hold personal data,
    #: dotted (``shipping_address.line1``); empty for a plain column.
    keys: tuple[str, ...] = ()
    #: Which rows: the event types whose payload has ``keys``, or a plain sentence.
    rows: str = ""


@dataclass(frozen=True)
class NotPersonal:
    """A column whose name sounds personal but which holds nothing about a person, and why."""

    model: str
    field: str
    reason: str


@dataclass(frozen=True)
class PersonalDataDeclaration:
    """What one context (or shared package) declares about its tables."""

    context: str
    fields: tuple[PersonalField, ...]
    not_personal: tuple[NotPersonal, ...] = ()
