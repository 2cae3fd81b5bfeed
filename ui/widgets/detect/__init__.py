"""Widgets of the Detect tab, one job each (composed by ui/panels/detect_panel.py)."""
