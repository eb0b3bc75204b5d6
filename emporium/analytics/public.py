"""What other contexts (and the back office) may use of analytics: the dashboard's figures.

Analytics otherwise only listens: its read models are built from other contexts' events and
read over HTTP. A context that needs one of its figures adds it here, and the edge to the
independence contract in ``pyproject.toml``.
"""

from emporium.analytics.bootstrap import dashboard

__all__ = ["dashboard"]
