"""Reusable widgets: images, live curves, bar charts and hyperparameter forms."""
