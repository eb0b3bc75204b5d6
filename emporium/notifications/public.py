"""What other contexts may use of notifications: which notifications a shop sent.

Notifications otherwise only reacts to other contexts' events (see
``bootstrap.register_consumers``). A context that wants to send a message itself adds a function
here, and the edge to the independence contract in ``pyproject.toml``.
"""

from emporium.notifications.adapters.sent import notifications_sent

__all__ = ["notifications_sent"]
