"""Marshmallow schemas: explicit fields, unknown fields rejected."""
