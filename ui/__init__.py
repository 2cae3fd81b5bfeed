"""The desktop face of the workbench: PySide6 panels over the headless ``workbench`` core.

The GUI thread only draws. Everything slow (TensorFlow's import, data loading, model
building, training, explanations, export) runs on worker threads started through
``ui.bridge``; results come back as Qt signals.
"""
