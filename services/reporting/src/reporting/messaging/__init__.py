"""Kafka subscribers (thin: parse, build the command, call the handler)."""
