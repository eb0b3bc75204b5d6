"""In-memory fakes of the ports, for use-case tests that need no database."""
