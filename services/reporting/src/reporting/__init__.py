"""Rapport reporting service."""
