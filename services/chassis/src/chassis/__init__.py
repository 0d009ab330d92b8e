"""Shared infrastructure of Rapport's services. Never domain logic."""
