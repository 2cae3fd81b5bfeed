"""Typed views (curves, heat grids, image grids, scatters, graphs, text, audio): see ``types.py``."""

from workbench.views.types import (VALUE_TYPES, Audio, Curves, Graph, HeatGrid, ImageGrid,  # noqa: F401
                                   Scatter, Text, View, ViewValue)
