"""Command and event handlers (keyword-only), and the unit of work."""
