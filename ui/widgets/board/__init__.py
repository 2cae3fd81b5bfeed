"""Widgets of the Board tab: the clickable board with the agent's search drawn on it."""
