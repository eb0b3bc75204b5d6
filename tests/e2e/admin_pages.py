"""Reading the back office's pages in tests: the rows of a changelist, the cells of an inline,
the readonly fields of an object's page, as plain text."""

from __future__ import annotations

import html
import re

from django.http import HttpResponse


def _text(cell: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", cell)).split())


def changelist_rows(response: HttpResponse) -> list[list[str]]:
    """Return the cells of each row of a changelist, as text (the checkbox column left out)."""
    assert response.status_code == 200
    table = re.search(r'<table id="result_list">.*?<tbody>(.*?)</tbody>', response.text, re.S)
    if table is None:
        return []
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)
    return [
        [
            _text(cell)
            for cell in re.findall(r'<t[dh] class="field-[^"]*"[^>]*>(.*?)</t[dh]>', row, re.S)
        ]
        for row in rows
    ]


def inline_rows(response: HttpResponse, prefix: str) -> list[list[str]]:
    """Return the cells of each row of the tabular inline ``prefix`` (e.g. "lines"), as text."""
    assert response.status_code == 200
    rows = re.findall(
        rf'<tr class="form-row[^"]*"\s+id="{prefix}-\d+">(.*?)</tr>', response.text, re.S
    )
    return [
        [_text(cell) for cell in re.findall(r'<td class="field-[^"]*"[^>]*>(.*?)</td>', row, re.S)]
        for row in rows
    ]


def readonly_fields(response: HttpResponse) -> dict[str, str]:
    """Return the readonly fields of an object's page: field name to its text."""
    assert response.status_code == 200
    found = re.findall(
        r'<div class="form-row[^"]*field-(\w+)[^"]*">.*?<div class="readonly">(.*?)</div>',
        response.text,
        re.S,
    )
    return {name: _text(value) for name, value in found}
