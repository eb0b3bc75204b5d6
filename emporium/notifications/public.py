"""What other contexts may use of notifications: nothing yet.

Notifications only reacts to other contexts' events (see ``bootstrap.register_consumers``). A
context that wants to send a message itself adds a function here, and the edge to the
independence contract in ``pyproject.toml``.
"""

__all__: list[str] = []
