"""The reporting domain: pure Python (model, rules, domain events); imports nothing from outside."""
