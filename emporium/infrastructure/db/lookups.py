"""``unaccent``: compare text without accents, ``name__unaccent__icontains="creme brulee"``.

Registered on ``CharField`` and ``TextField`` by the infrastructure app's ``ready()``. The
transform is bilateral: the searched text loses its accents too, so "CRÈME" finds "Crème
Brûlée". On PostgreSQL it is the ``unaccent`` extension (created by ``setup_database``'s
provisioning step, and so present in every test database cloned from it); on SQLite a Python
function (``sqlite_functions.unaccent``: NFKD, combining marks dropped). The two differ on
letters that are not a base letter plus marks: PostgreSQL's rules turn "ß" into "ss" and "Ø"
into "O", Python's decomposition leaves them. SQLite's LIKE ignores case for ASCII only.
"""

from __future__ import annotations

from django.db.models import CharField, TextField, Transform


class Unaccent(Transform):
    """Return the text without its accents (``unaccent(text)``)."""

    bilateral = True
    lookup_name = "unaccent"
    function = "UNACCENT"


def register() -> None:
    """Make ``__unaccent`` available on every ``CharField`` and ``TextField``."""
    CharField.register_lookup(Unaccent)
    TextField.register_lookup(Unaccent)
