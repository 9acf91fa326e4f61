"""Shared helpers for Meridian's Python test suites (integration, differential, crash)."""
