"""A test app whose consumers leave one countable effect per event, for the fault tests."""
