"""A test-only app whose single table proves the unit of work is one transaction."""
