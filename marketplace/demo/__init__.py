"""Deterministic demo data for Shaoxing (flask seed-demo); see seed.py."""

from .seed import DEMO_LOGINS, DEMO_PASSWORD, database_is_empty, seed_demo

__all__ = ["DEMO_LOGINS", "DEMO_PASSWORD", "database_is_empty", "seed_demo"]
