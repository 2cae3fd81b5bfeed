"""Catalog section G: causal inference, individual treatment effects from observational data.

TARNet and CFR (Shalit, Johansson & Sontag 2017): a shared representation Phi(x) with one
outcome head per treatment arm; CFR adds an integral probability metric (``ipm.py``)
between the treated and control representations. ``metrics.py`` has PEHE and ATE error.
"""
