"""What other contexts may use of analytics: nothing yet.

Analytics only listens: its read models are built from other contexts' events and read over
HTTP. A context that needs one of its figures adds it here, and the edge to the independence
contract in ``pyproject.toml``.
"""

__all__: list[str] = []
