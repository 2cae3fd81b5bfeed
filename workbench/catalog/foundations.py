"""Catalog section A: foundations."""

from dataclasses import replace

from workbench.catalog.registry import TRAINING_HPARAMS, Entry, HParam, register
from workbench.catalog.shared import (
    ACTIVATION,
    CLASSIFIER_TRAINING,
    DROPOUT,
    GRADIENT_NORMS,
    HEAD,
    INIT_STDDEV,
    INITIALIZER,
    INPUT_SIZE,
    NORMALIZATION,
    NORMALIZATION_INSIGHT,
    POOLING,
)

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
        ACTIVATION,
        DROPOUT,
        # On by default here: the MLP is where the vanishing gradient is shown (sigmoid vs ReLU).
        *(replace(h, default=True) if h is GRADIENT_NORMS else h for h in CLASSIFIER_TRAINING),
    ),
    data_kinds=("tabular", "image"),
    default_data="iris",
    smoke={"hidden_units": "8"},
))


def _shared(name: str, **changes) -> HParam:
    """A shared training hyperparameter with an entry-specific default (same name, same range)."""
    return replace(next(h for h in TRAINING_HPARAMS if h.name == name), **changes)


#: Dropout on the regressors' input features: for a linear model it is an adaptive L2 (ridge)
#: penalty (Wager, Wang & Liang 2013), so the fitted coefficients shrink as the rate grows.
_REGRESSION_DROPOUT = replace(DROPOUT, help="Dropout on the input features (for a linear model an "
                              "L2-like penalty: the coefficients shrink; 0 = none)")


register(Entry(
    name="linear_regression",
    display_name="Linear regression",
    family=FAMILY,
    task="regression",
    summary=(
        "y = w . x + b fitted by gradient descent on the mean squared error: one Dense unit. The "
        "fitted weights are the coefficients; the run ends by printing the fitted equation, to "
        "compare with the generating one (the 'linear' data: y = 2x - 1 plus noise; change its "
        "noise and sample count in the data options)."
    ),
    paper="Legendre, Nouvelles methodes pour la determination des orbites des cometes, 1805 (least squares)",
    builder="workbench.models.linear_regression:build_linear_regression",
    # No activation choice: the model is linear by definition (y = w . x + b).
    hparams=(_shared("optimizer", default="sgd"), _shared("learning_rate", default=0.3),
             _REGRESSION_DROPOUT, INITIALIZER, INIT_STDDEV),
    data_kinds=("tabular",),
    default_data="linear",
    trainer="workbench.models.linear_regression:train_and_report_equation",
))

register(Entry(
    name="polynomial_regression",
    display_name="Polynomial (non-linear) regression",
    family=FAMILY,
    task="regression",
    summary=(
        "A non-linear curve that is still linear in its weights: the model raises x to the powers "
        "1..degree (a PolynomialFeatures layer) and fits one Dense unit on them. On the notes' "
        "exercise y = 30x^2 + 0.5x + 0.2 with noise it recovers 30, 0.5 and 0.2; the fitted "
        "equation is printed at the end of the run."
    ),
    paper="Gergonne, The application of the method of least squares to the interpolation of sequences, 1815",
    builder="workbench.models.linear_regression:build_polynomial_regression",
    hparams=(
        HParam("degree", int, 2, "Highest power of x", low=1, high=10),
        _shared("optimizer", default="sgd"),
        _shared("learning_rate", default=0.3),
        # No activation choice: the non-linearity is the fixed powers of x, the model is linear in w.
        _REGRESSION_DROPOUT, INITIALIZER, INIT_STDDEV,
    ),
    data_kinds=("tabular",),
    default_data="polynomial",
    trainer="workbench.models.linear_regression:train_and_report_equation",
))

register(Entry(
    name="perceptron",
    display_name="Single-layer perceptron",
    family=FAMILY,
    task="classification",
    summary=(
        "Rosenblatt's perceptron: one layer of weights, a hard-limit (step) output, and the "
        "perceptron learning rule w <- w + lr (t - y) x, written as the model's train_step (with "
        "the SGD optimizer it is exactly the classic rule). It learns AND and OR to 100 % but "
        "never XOR, which is not linearly separable: at most 3 of its 4 points; an MLP with one "
        "hidden layer solves it."
    ),
    paper=("Rosenblatt, The perceptron: a probabilistic model for information storage and "
           "organization in the brain, Psychological Review 1958"),
    builder="workbench.models.perceptron:build_perceptron",
    hparams=(
        _shared("optimizer", default="sgd"),
        _shared("learning_rate", default=0.1),
        # The classic rule starts from zeros; "default" keeps them, the others re-draw W.
        INITIALIZER, INIT_STDDEV,
        # No activation choice: the hard limit (step) output is what makes it a perceptron. No
        # dropout: there is no hidden layer whose units could co-adapt, and the rule updates only
        # on mistakes, so dropping inputs would just hide part of each mistake from the update.
        # L2, clipping and early stopping apply (the train_step adds the l2 decay to its step).
    ),
    data_kinds=("tabular", "image"),
    default_data="and",
))

register(Entry(
    name="im2col_cnn",
    display_name="CNN with im2col convolutions",
    family=FAMILY,
    task="classification",
    summary=(
        "A LeNet-like CNN whose convolutions are computed the way the notes explain them: the "
        "input patches are unrolled into the rows of a matrix (im2col) and multiplied by the "
        "filter matrix in one matmul. The output side is floor((in + 2 pad - k) / stride) + 1; "
        "the result equals Keras' Conv2D with the same weights."
    ),
    paper=("Chellapilla, Puri & Simard, High performance convolutional neural networks for "
           "document processing, IWFHR 2006"),
    builder="workbench.models.im2col_cnn:build_im2col_cnn",
    insight=(NORMALIZATION_INSIGHT,),
    hparams=(
        HParam("filters", int, 6, "Filters in the first convolution (the second has 16/6 times more)",
               low=1, high=256),
        HParam("kernel_size", int, 3, "Filter side length", low=1, high=11),
        HParam("stride", int, 1, "Step between filter positions", low=1, high=4),
        HParam("padding", str, "same", "'same' keeps the size, 'valid' adds none, or a number of pixels",
               choices=("same", "valid", "0", "1", "2", "3")),
        ACTIVATION,
        HParam("normalization", str, "none", NORMALIZATION.help, choices=NORMALIZATION.choices),
        POOLING, HEAD, DROPOUT, INPUT_SIZE, *CLASSIFIER_TRAINING,
    ),
    smoke={"filters": 2},
))

register(Entry(
    name="rnn_bptt",
    display_name="RNN with hand-written BPTT",
    family=FAMILY,
    task="sequence",
    summary=(
        "A simple (Elman) RNN, u_t = W_in x_t + W z_(t-1) + b, z_t = f(u_t), y_t = sigmoid(W_out "
        "z_t + c), whose gradients are computed by backpropagation through time written out by "
        "hand (numpy) rather than by autodiff; they match TensorFlow's GradientTape. It learns "
        "binary addition (the carry must be remembered) and plots the gradient norm |dL/dz_t| "
        "over time steps for several spectral radii of W: it vanishes below 1 and explodes above."
    ),
    paper="Werbos, Backpropagation through time: what it does and how to do it, Proc. IEEE 1990; "
          "Pascanu, Mikolov & Bengio, On the difficulty of training recurrent neural networks, ICML 2013",
    builder="workbench.models.rnn_bptt:build_rnn_bptt",
    hparams=(
        HParam("hidden_units", int, 16, "Size of the hidden state z_t", low=1, high=1024),
        HParam("activation", str, "tanh", "f, the hidden activation",
               choices=("tanh", "sigmoid", "relu", "linear")),
        HParam("spectral_radius", float, 1.0, "Initial spectral radius of the recurrent weight W",
               low=0.0, high=10.0),
        HParam("curve_steps", int, 20, "Time steps of the gradient-norm plot", low=2, high=1000),
        _shared("learning_rate", default=0.01),
        replace(DROPOUT, help="Dropout on the hidden state the output reads, never on the recurrence "
                "(Zaremba et al. 2014); the hand-written BPTT applies the same mask (0 = none)"),
        # No initializer choice: W's initialisation is the entry's own subject, set by
        # spectral_radius (W_in and W_out are Glorot-scaled). L2, clipping and early stopping
        # apply (train_rnn_bptt).
    ),
    data_kinds=("sequence",),
    default_data="binary_addition",
    trainer="workbench.models.rnn_bptt:train_rnn_bptt",
    smoke={"hidden_units": 4, "curve_steps": 5},
))
