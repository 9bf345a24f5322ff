"""Exports for project leads: quote tables and codings (matrices follow)."""
