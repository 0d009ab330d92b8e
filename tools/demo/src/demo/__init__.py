"""Demo data for Rapport."""
