"""Widgets of the Compare tab, one job each (composed by ui/panels/compare_panel.py)."""
