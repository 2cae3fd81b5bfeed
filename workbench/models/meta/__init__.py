"""Catalog section G: meta-learning (MAML, ``maml.py``)."""
