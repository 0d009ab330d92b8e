"""Rapport engagement service."""
