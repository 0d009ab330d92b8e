"""Rapport complaints service: tickets, SLA policies, calendars, timers, escalation."""
