"""Database tables and repositories; the mapping of domain events to contract events."""
