"""Widgets of the Text tab."""
