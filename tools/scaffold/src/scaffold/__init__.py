"""Generates a new service: `python -m scaffold NAME --label LABEL --api-port N --worker-port N`."""
