"""Small generated data sets for the foundations entries (no files, no network).

- ``polynomial`` / ``linear``: ``y = a_d x^d + ... + a_1 x + a_0 + noise`` with ``x``
  uniform in ``[-1, 1]`` (the notes' exercise ``y = 30x^2 + 0.5x + 0.2``); the
  targets are left in their own units so a fitted model's weights *are* the
  coefficients.
- ``and`` / ``or`` / ``xor``: the four rows of a logic gate's truth table. The
  four points are repeated ``repeat`` times for training so that batches and
  epochs mean something; the validation split is the truth table itself (the same
  four points once each): there is nothing else to generalise to, and "100 % on
  the truth table" is exactly what the perceptron exercise asks about.
- ``binary_addition``: pairs of ``bits``-bit numbers fed least significant bit
  first, one ``(a_t, b_t)`` pair per time step; the target at step ``t`` is bit
  ``t`` of ``a + b`` (the RNN exercise: the carry must be remembered).

Options arrive from the CLI as text, so each is parsed and range-checked here.
"""

from __future__ import annotations

import numpy as np

from workbench.data.base import DataInfo, Dataset, split
from workbench.data.registry import DatasetSpec, register
from workbench.errors import WorkbenchError

DEFAULT_COEFFICIENTS = {"polynomial": (30.0, 0.5, 0.2), "linear": (2.0, -1.0)}

#: Truth tables: inputs (x1, x2) -> output.
GATES = {
    "and": (0, 0, 0, 1),
    "or": (0, 1, 1, 1),
    "xor": (0, 1, 1, 0),
}
GATE_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)

register(DatasetSpec(
    "polynomial", "tabular", "regression",
    "Noisy samples of y = 30x^2 + 0.5x + 0.2 on x in [-1, 1] (options: samples, noise, "
    "coefficients highest power first, e.g. '30,0.5,0.2').",
    "workbench.data.synthetic:load_polynomial", options=("samples", "noise", "coefficients"),
))
register(DatasetSpec(
    "linear", "tabular", "regression",
    "Noisy samples of y = 2x - 1 on x in [-1, 1] (options: samples, noise, coefficients).",
    "workbench.data.synthetic:load_polynomial", options=("samples", "noise", "coefficients"),
))
for _gate in GATES:
    register(DatasetSpec(
        _gate, "tabular", "classification",
        f"The {_gate.upper()} gate's truth table: 4 points of 2 binary inputs, repeated for "
        "training; validated on the 4 points themselves (option: repeat).",
        "workbench.data.synthetic:load_gate", options=("repeat",),
    ))
register(DatasetSpec(
    "binary_addition", "sequence", "sequence",
    "Binary addition a + b, one bit pair per time step, least significant first; the target "
    "is the sum's bit at each step (options: samples, bits).",
    "workbench.data.synthetic:load_binary_addition", options=("samples", "bits"),
))


def load_polynomial(options: dict, seed: int, val_fraction: float) -> Dataset:
    name = options.get("_spec_name", "polynomial")
    samples = _int_option(options, "samples", 200, 2, 10_000_000)
    noise = _float_option(options, "noise", 0.1, 0.0, 1e6)
    coefficients = parse_coefficients(options.get("coefficients", DEFAULT_COEFFICIENTS[name]))
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, size=(samples, 1))
    y = np.polyval(coefficients, x[:, 0]) + noise * rng.standard_normal(samples)
    info = DataInfo(name, "tabular", "regression", (1,), (), ("x",))
    return Dataset(info, *split(x.astype(np.float32), y.astype(np.float32), val_fraction, seed,
                                stratify=False))


def parse_coefficients(value) -> tuple[float, ...]:
    """``"30,0.5,0.2"`` (or a sequence of numbers) -> ``(30.0, 0.5, 0.2)``, highest power first."""
    parts = value.replace(" ", "").split(",") if isinstance(value, str) else list(value)
    try:
        coefficients = tuple(float(p) for p in parts if p != "")
    except (TypeError, ValueError):
        raise WorkbenchError(
            f"coefficients={value!r} must be comma-separated numbers, highest power first") from None
    if not 1 <= len(coefficients) <= 11:
        raise WorkbenchError(f"coefficients={value!r} must hold 1 to 11 numbers (degree 0 to 10)")
    return coefficients


def load_gate(options: dict, seed: int, val_fraction: float) -> Dataset:
    name = options.get("_spec_name", "xor")
    if name not in GATES:
        raise WorkbenchError(f"gate {name!r} is not one of {', '.join(GATES)}")
    repeat = _int_option(options, "repeat", 8, 1, 100_000)
    targets = np.array(GATES[name], np.int64)
    order = np.random.default_rng(seed).permutation(4 * repeat)
    x_train = np.tile(GATE_INPUTS, (repeat, 1))[order]
    y_train = np.tile(targets, repeat)[order]
    info = DataInfo(name, "tabular", "classification", (2,), ("0", "1"), ("x1", "x2"))
    if val_fraction == 0:  # asked for no validation at all
        return Dataset(info, x_train, y_train, GATE_INPUTS[:0], targets[:0])
    return Dataset(info, x_train, y_train, GATE_INPUTS.copy(), targets.copy())


def load_binary_addition(options: dict, seed: int, val_fraction: float) -> Dataset:
    samples = _int_option(options, "samples", 2000, 2, 1_000_000)
    bits = _int_option(options, "bits", 8, 2, 62)
    x, y = binary_addition(samples, bits, np.random.default_rng(seed))
    info = DataInfo("binary_addition", "sequence", "sequence", (bits, 2), ("0", "1"), ("a", "b"))
    return Dataset(info, *split(x, y, val_fraction, seed, stratify=False))


def binary_addition(samples: int, bits: int, rng: np.random.Generator):
    """``x (samples, bits, 2)`` bit pairs and ``y (samples, bits)`` sum bits, LSB first.

    ``a`` and ``b`` stay below ``2**(bits-1)`` so that their sum fits in ``bits`` bits.
    """
    a = rng.integers(0, 2 ** (bits - 1), size=samples)
    b = rng.integers(0, 2 ** (bits - 1), size=samples)
    x = np.stack([_bits_lsb_first(a, bits), _bits_lsb_first(b, bits)], axis=-1).astype(np.float32)
    return x, _bits_lsb_first(a + b, bits).astype(np.float32)


def _bits_lsb_first(numbers: np.ndarray, bits: int) -> np.ndarray:
    return (numbers[:, None] >> np.arange(bits)) & 1


def _int_option(options: dict, name: str, default: int, low: int, high: int) -> int:
    value = options.get(name, default)
    try:
        number = float(value)
        if number != int(number):
            raise ValueError
    except (TypeError, ValueError):
        raise WorkbenchError(f"data option {name}={value!r} is not a whole number") from None
    if not low <= number <= high:
        raise WorkbenchError(f"data option {name}={value!r} must be between {low} and {high}")
    return int(number)


def _float_option(options: dict, name: str, default: float, low: float, high: float) -> float:
    value = options.get(name, default)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise WorkbenchError(f"data option {name}={value!r} is not a number") from None
    if not low <= number <= high:
        raise WorkbenchError(f"data option {name}={value!r} must be between {low} and {high}")
    return number
