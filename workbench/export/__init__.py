"""Exporting a trained model, and checking the export by reloading it."""

from workbench.export.formats import FORMATS, QUANTIZE, export_model, verify_export  # noqa: F401
