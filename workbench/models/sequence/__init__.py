"""Sequence, language and audio models (catalog section D)."""
