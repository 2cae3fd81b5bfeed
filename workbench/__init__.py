"""Keras Workbench: the headless core.

Importing this package is cheap: it never imports Qt, and TensorFlow only where a
function really needs it (model building, training, explanation, export).
"""

__version__ = "0.1.0"
