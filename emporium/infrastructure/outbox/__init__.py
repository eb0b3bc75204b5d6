"""The transactional outbox: events stored with the changes that produced them."""
