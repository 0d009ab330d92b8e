"""Accounts service: accounts from ERP master data, tiering, VIP, lifecycle."""
