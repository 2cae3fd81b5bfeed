"""Catalog section A: foundations."""

from workbench.catalog.registry import Entry, HParam, register
from workbench.catalog.shared import DROPOUT

FAMILY = "A. Foundations"

register(Entry(
    name="mlp",
    display_name="MLP classifier",
    family=FAMILY,
    task="classification",
    summary=(
        "A multi-layer perceptron: fully connected layers with a non-linear activation, "
        "trained by backpropagation. With no hidden layer it is logistic regression; one hidden "
        "layer already solves XOR, which a single perceptron cannot. Works on tables (iris, CSV) "
        "and on flattened images (digits)."
    ),
    paper="Rumelhart, Hinton & Williams, Learning representations by back-propagating errors, Nature 1986",
    builder="workbench.models.mlp:build_mlp",
    hparams=(
        HParam("hidden_units", str, "64,32", "Units per hidden layer, comma separated"),
        HParam("activation", str, "relu", "Hidden activation", choices=("relu", "tanh", "sigmoid", "gelu")),
        DROPOUT,
    ),
    data_kinds=("tabular", "image"),
    default_data="iris",
    smoke={"hidden_units": "8"},
))
