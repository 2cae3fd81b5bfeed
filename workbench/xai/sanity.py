"""Sanity checks for explanation methods: do the maps depend on what the model learned?

Adebayo, Gilmer, Muelly, Goodfellow, Hardt and Kim, "Sanity Checks for Saliency
Maps", NeurIPS 2018. Two tests:

* **Cascading model-parameter randomisation.** The weighted layers of a copy of the
  model are re-initialised from the top (output) down, cumulatively, one layer per
  step; at each step every method explains the same image for the same class, and
  the map is compared with the map of the trained model. A method that explains the
  *model* gives maps that fall apart as its layers become noise; a method whose maps
  survive (Guided Backpropagation in the paper) mostly shows the input's edges.
* **Data randomisation.** A copy trained from a fresh initialisation on the same
  images with shuffled labels cannot have learned anything about the classes; its
  maps should not look like the trained model's either.

Similarity is measured as in the paper: Spearman rank correlation and SSIM, each on
the signed map and on its absolute value (SSIM on maps scaled to [0, 1]).

Everything happens on clones (``keras.models.clone_model`` + the trained weights):
the model passed in keeps its weights bit for bit. Both functions take
``progress(done, total)`` and ``should_stop()`` like ``workbench.xai.batch``, so the
CLI and a GUI worker thread can drive them and a cancel stops between two maps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from workbench.errors import WorkbenchError

#: The similarity measures, in the order shown (signed map, then absolute value).
METRICS = ("spearman", "spearman_abs", "ssim", "ssim_abs")
#: A method passes when the Spearman rank correlation of its absolute map with the
#: trained model's falls below this once every layer is random. Why 0.5: two maps of
#: unrelated models rank pixels independently (correlation near 0), while a map that
#: still orders more than half of its pixels as before with every weight replaced by
#: noise is drawn by the input (its edges, its contrast), not by what the model
#: learned. The paper's figures put the methods it calls sensitive (gradient, Grad-CAM,
#: Integrated Gradients on most layers) well under this and Guided Backpropagation
#: above it.
PASS_BOUND = 0.5
#: The metric the verdict reads.
PASS_METRIC = "spearman_abs"
#: Layers holding only normalisation weights are randomised with the layer feeding them
#: (a convolution and its batch norm are one step, as the paper's Inception blocks).
_NORMALIZATION = ("BatchNormalization", "LayerNormalization", "GroupNormalization",
                  "UnitNormalization")


@dataclass
class SanityResult:
    """What a sanity check found.

    ``layers`` are the randomised layers (groups joined by ``+``), top-down;
    ``similarity[method][metric]`` has one value per step of ``steps`` =
    ``["original", *layers]`` (step 0 compares the original map with itself, so 1);
    ``maps[method]`` the heatmaps ([0, 1]) per step; ``passes[method]`` the verdict
    (``None`` when the run was cancelled before the last layer); ``errors[method]`` why
    a method could not be computed on this model.
    """

    layers: list[str]
    class_index: int
    methods: list[str]
    similarity: dict = field(default_factory=dict)
    maps: dict = field(default_factory=dict)
    passes: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    bound: float = PASS_BOUND
    metric: str = PASS_METRIC
    cancelled: bool = False
    data_randomization: dict | None = None

    @property
    def steps(self) -> list[str]:
        return ["original", *self.layers]

    @property
    def failing(self) -> list[str]:
        """Methods whose maps survived full randomisation (the view names them)."""
        return [m for m in self.methods if self.passes.get(m) is False]

    @property
    def top_insensitive(self) -> list[str]:
        """Methods whose map hardly moved when the output layer alone was randomised: the
        paper's sign of a map that does not read the class (Guided Backpropagation)."""
        return [m for m in self.methods if m not in self.errors
                and len(self.similarity.get(m, {}).get(self.metric, [])) > 1
                and self.similarity[m][self.metric][1] >= self.bound]

    def as_dict(self) -> dict:
        methods = {}
        for method in self.methods:
            if method in self.errors:
                methods[method] = {"error": self.errors[method]}
                continue
            row = {metric: [round(float(v), 6) for v in self.similarity[method][metric]] for metric in METRICS}
            row["passes"] = self.passes.get(method)
            methods[method] = row
        result = {"layers": list(self.layers), "steps": self.steps, "class_index": self.class_index,
                  "bound": self.bound, "metric": self.metric, "cancelled": self.cancelled,
                  "methods": methods, "failing": self.failing, "top_layer_insensitive": self.top_insensitive}
        if self.data_randomization is not None:
            result["data_randomization"] = {k: v for k, v in self.data_randomization.items() if k != "maps"}
        return result


# ----------------------------------------------------------------------------- similarity
def ssim(a: np.ndarray, b: np.ndarray) -> float:
    """SSIM of two maps, each first scaled to [0, 1] (the paper normalises before SSIM)."""
    from skimage.metrics import structural_similarity

    a, b = _unit(a), _unit(b)
    side = min(a.shape)
    window = min(7, side if side % 2 else side - 1)  # skimage's default 7, smaller for tiny maps
    if window < 3:
        raise WorkbenchError(f"maps of shape {a.shape} are too small for SSIM (3x3 at least)")
    return float(structural_similarity(a, b, data_range=1.0, win_size=window))


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman rank correlation of the pixels of two maps.

    A constant map ranks nothing (scipy returns nan): it keeps none of the original's
    ordering, so it counts as 0 — unless both are constant and equal, which is 1.
    """
    from scipy.stats import spearmanr

    a, b = np.ravel(a).astype(np.float64), np.ravel(b).astype(np.float64)
    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return 1.0 if np.array_equal(a, b) else 0.0
    return float(spearmanr(a, b).statistic)


def similarity(original: np.ndarray, other: np.ndarray) -> dict[str, float]:
    """The four measures between two signed ``(H, W)`` maps."""
    return {"spearman": spearman(original, other), "spearman_abs": spearman(np.abs(original), np.abs(other)),
            "ssim": ssim(original, other), "ssim_abs": ssim(np.abs(original), np.abs(other))}


def _unit(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, np.float64)
    low, high = float(values.min()), float(values.max())
    return (values - low) / (high - low) if high > low else np.zeros_like(values)


def signed_map(explanation) -> np.ndarray:
    """The method's signed ``(H, W)`` map: its attribution summed over colour channels
    (the paper's "no absolute value" map), or the heatmap when it has none."""
    values = explanation.attribution if explanation.attribution is not None else explanation.heatmap
    values = np.asarray(values, np.float64)
    return values.sum(axis=2) if values.ndim == 3 else values


# ----------------------------------------------------------------------------- layers
def clone_with_weights(model):
    """A structural copy of ``model`` holding the same weights (``model`` is not touched)."""
    import keras

    from workbench.xai.guided_backprop import copy_weights

    clone = keras.models.clone_model(model, recursive=True)
    copy_weights(model, clone)  # by layer name: a branching clone may order weights differently
    return clone


def _leaf_layers(model) -> list:
    """Layers holding weights the training set, in model order (nested models opened).
    Preprocessing layers are left alone: a Normalization layer's mean and variance come
    from the data, not from training, and a "fresh init" of them means nothing."""
    from workbench.xai.common import _PREPROCESSING

    layers = []
    for layer in model.layers:
        if getattr(layer, "layers", None):  # a nested model: its own layers, in its order
            layers += _leaf_layers(layer)
        elif layer.weights and type(layer).__name__ not in _PREPROCESSING:
            layers.append(layer)
    return layers


def randomisation_groups(model) -> list[list]:
    """Weighted layers grouped into steps, top (output) first; a normalisation layer
    belongs to the step of the layer before it."""
    groups: list[list] = []
    for layer in _leaf_layers(model):
        if type(layer).__name__ in _NORMALIZATION and groups:
            groups[-1].append(layer)
        else:
            groups.append([layer])
    if not groups:
        raise WorkbenchError(f"model {model.name!r} has no weighted layers to randomise")
    return groups[::-1]


def group_name(group: list) -> str:
    return "+".join(layer.name for layer in group)


def _initializer_for(layer, variable):
    """The initializer the layer (or its recurrent cell) declares for ``variable``."""
    name = variable.name.split("/")[-1].split(":")[0]
    for owner in (layer, getattr(layer, "cell", None)):
        initializer = getattr(owner, f"{name}_initializer", None) if owner is not None else None
        if initializer is not None:
            return initializer
    return None


def reinitialize(layer, seed: int, step: int) -> None:
    """Draw fresh values for every weight of ``layer`` from the layer's own initializers,
    seeded by ``(seed, step, weight index)`` so a check repeats exactly."""
    import keras

    for index, variable in enumerate(layer.weights):
        initializer = _initializer_for(layer, variable)
        if initializer is None:  # no declared initializer: Keras' defaults for its rank
            initializer = keras.initializers.GlorotUniform() if len(variable.shape) > 1 else keras.initializers.Zeros()
        config = initializer.get_config()
        if "seed" in config:
            config["seed"] = int(np.random.default_rng([seed, step, index]).integers(2 ** 31 - 1))
            initializer = type(initializer).from_config(config)
        variable.assign(initializer(shape=tuple(variable.shape), dtype=variable.dtype))


# ----------------------------------------------------------------------------- the checks
def _check_methods(methods) -> list[str]:
    from workbench.xai import method_info

    methods = [m.strip() for m in (methods.split(",") if isinstance(methods, str) else methods) if m.strip()]
    if not methods:
        raise WorkbenchError("choose at least one method to sanity-check")
    for method in methods:
        method_info(method)
    return methods


def _explain(model, image, method, class_index, layer, seed):
    from workbench import xai

    return xai.explain(model, image, method, layer=layer if xai.METHODS[method].needs_layer else None,
                       class_index=class_index, seed=seed)


def cascading_randomization(model, image, methods, class_index: int | None = None, seed: int = 0,
                            layer: str | None = None, progress=None, should_stop=None) -> SanityResult:
    """Cascading randomisation of ``model``'s weighted layers, top-down, on a clone.

    ``methods`` are names of ``workbench.xai.METHODS``; ``class_index`` defaults to the
    trained model's predicted class and stays the same at every step; ``layer`` is the
    feature map of the Grad-CAM family (default: the last one). ``progress(done, total)``
    counts maps; ``should_stop()`` is checked before each map.
    """
    from workbench.xai import check_class_index
    from workbench.xai.common import check_image, predict

    methods = _check_methods(methods)
    image = check_image(model, image)
    class_index = check_class_index(class_index, predict(model, image[None])[0])
    clone = clone_with_weights(model)
    groups = randomisation_groups(clone)
    result = SanityResult([group_name(g) for g in groups], class_index, methods)
    total, done = (len(groups) + 1) * len(methods), 0
    originals = {}
    for step in range(len(groups) + 1):
        if step:
            for member in groups[step - 1]:
                reinitialize(member, seed, step)
        for method in methods:
            if should_stop is not None and should_stop():
                result.cancelled = True
                return _finish(result, len(groups))
            if method not in result.errors:
                _step_map(result, clone, image, method, layer, seed, originals)
            done += 1
            if progress is not None:
                progress(done, total)
    return _finish(result, len(groups))


def _step_map(result: SanityResult, clone, image, method, layer, seed, originals) -> None:
    try:
        explanation = _explain(clone, image, method, result.class_index, layer, seed)
    except WorkbenchError as error:  # CAM on a Flatten head, Guided Backprop without ReLUs
        result.errors[method] = str(error)
        return
    current = signed_map(explanation)
    originals.setdefault(method, current)
    scores = similarity(originals[method], current)
    row = result.similarity.setdefault(method, {metric: [] for metric in METRICS})
    for metric in METRICS:
        row[metric].append(scores[metric])
    result.maps.setdefault(method, []).append(np.asarray(explanation.heatmap, np.float32))


def _finish(result: SanityResult, steps: int) -> SanityResult:
    for method in result.methods:
        values = result.similarity.get(method, {}).get(result.metric, [])
        complete = method not in result.errors and len(values) == steps + 1
        result.passes[method] = bool(values[-1] < result.bound) if complete else None
    return result


def data_randomization(model, image, methods, x, y, epochs: int = 3, batch_size: int = 32,
                       learning_rate: float = 1e-3, class_index: int | None = None, seed: int = 0,
                       layer: str | None = None, progress=None, should_stop=None) -> dict:
    """Maps of a copy trained from a fresh initialisation on ``x`` with ``y`` shuffled.

    Returns ``dict(epochs, accuracy_shuffled, class_index, methods={method: {metric:
    value} or {"error": ...}}, maps={method: heatmap}, cancelled)``; ``accuracy_shuffled``
    is the copy's training accuracy on the shuffled labels (how much it memorised).
    """
    import keras

    from workbench.xai import check_class_index
    from workbench.xai.common import check_image, predict

    methods = _check_methods(methods)
    image = check_image(model, image)
    x, y = np.asarray(x, np.float32), np.asarray(y)
    if len(x) == 0 or len(x) != len(y):
        raise WorkbenchError(f"data randomisation needs images and as many labels (got {len(x)} and {len(y)})")
    if y.ndim > 1:  # one-hot rows -> class numbers
        y = y.argmax(axis=1)
    if tuple(x.shape[1:]) != tuple(image.shape):
        raise WorkbenchError(f"the training images have shape {tuple(x.shape[1:])}, the model takes {image.shape}")
    if int(epochs) < 1:
        raise WorkbenchError(f"epochs={epochs} must be 1 or more")
    class_index = check_class_index(class_index, predict(model, image[None])[0])
    shuffled = np.random.default_rng([seed, 1]).permutation(y).astype(np.int64)
    copy = clone_with_weights(model)
    for step, group in enumerate(randomisation_groups(copy)):
        for member in group:
            reinitialize(member, seed, 1000 + step)
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=_ends_in_logits(copy))
    copy.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=loss, metrics=["accuracy"])
    total, done = int(epochs) + len(methods), 0
    outcome = {"epochs": 0, "accuracy_shuffled": None, "class_index": class_index, "methods": {}, "maps": {},
               "cancelled": False}
    order = np.random.default_rng([seed, 2])
    for epoch in range(int(epochs)):
        if should_stop is not None and should_stop():
            outcome["cancelled"] = True
            return outcome
        batches = order.permutation(len(x))  # seeded epoch order: the same check gives the same copy
        history = copy.fit(x[batches], shuffled[batches], batch_size=batch_size, epochs=1, shuffle=False,
                           verbose=0)
        outcome["epochs"] = epoch + 1
        outcome["accuracy_shuffled"] = float(history.history["accuracy"][-1])
        done += 1
        if progress is not None:
            progress(done, total)
    for method in methods:
        if should_stop is not None and should_stop():
            outcome["cancelled"] = True
            break
        try:
            trained = _explain(model, image, method, class_index, layer, seed)
            shuffled_map = _explain(copy, image, method, class_index, layer, seed)
        except WorkbenchError as error:
            outcome["methods"][method] = {"error": str(error)}
        else:
            scores = similarity(signed_map(trained), signed_map(shuffled_map))
            outcome["methods"][method] = {k: round(v, 6) for k, v in scores.items()}
            outcome["methods"][method]["passes"] = bool(scores[PASS_METRIC] < PASS_BOUND)
            outcome["maps"][method] = np.asarray(shuffled_map.heatmap, np.float32)
        done += 1
        if progress is not None:
            progress(done, total)
    return outcome


def _ends_in_logits(model) -> bool:
    last = model.layers[-1]
    activation = getattr(getattr(last, "activation", None), "__name__", "")
    return type(last).__name__ not in ("Softmax",) and activation not in ("softmax", "sigmoid")


# ----------------------------------------------------------------------------- the run's data
def run_training_data(run_dir: str, model) -> tuple[np.ndarray, np.ndarray]:
    """The training images and labels of a classifier run, loaded as ``evaluate`` loads
    them (the run's source, options, seed and validation split)."""
    import os

    from workbench.evaluation.classification import _classification_source, _load_data
    from workbench.runs.rundir import RunDir

    if not os.path.isdir(run_dir):
        raise WorkbenchError(f"data randomisation needs a run directory (with config.json), not {run_dir}")
    config = RunDir(run_dir).read_config()
    source = config.get("data") or ""
    if not source:
        raise WorkbenchError(f"{run_dir} does not name its data in config.json")
    spec = _classification_source(source)
    dataset = _load_data(config, spec, source, model, False, None)
    if not hasattr(dataset, "x_train"):
        raise WorkbenchError(f"{source} is streamed from disk; data randomisation needs it in memory")
    return np.asarray(dataset.x_train, np.float32), np.asarray(dataset.y_train)


def summary_text(result: SanityResult, class_names=()) -> str:
    """The check in a few lines: per method the verdict's metric along the steps."""
    from workbench import xai

    name = class_names[result.class_index] if result.class_index < len(class_names) else result.class_index
    lines = [f"cascading randomisation for class {name}, top-down: {' > '.join(result.layers)}",
             f"{result.metric} per step (original first); a method passes below {result.bound} at the end"]
    for method in result.methods:
        title = xai.METHODS[method].title
        if method in result.errors:
            lines.append(f"  {title}: not computed: {result.errors[method]}")
            continue
        values = " ".join(f"{v:+.2f}" for v in result.similarity[method][result.metric])
        verdict = {True: "passes", False: "FAILS", None: "incomplete"}[result.passes.get(method)]
        lines.append(f"  {title:24s} {values}  {verdict}")
    if result.top_insensitive:
        lines.append("insensitive to the output layer's weights: "
                     + ", ".join(xai.METHODS[m].title for m in result.top_insensitive))
    data = result.data_randomization
    if data:
        lines.append(f"data randomisation ({data['epochs']} epochs on shuffled labels, training accuracy "
                     f"{data['accuracy_shuffled'] or 0:.2f}): {result.metric} to the trained model's map")
        for method, row in data["methods"].items():
            shown = row.get("error") or f"{row[result.metric]:+.2f}  {'passes' if row['passes'] else 'FAILS'}"
            lines.append(f"  {xai.METHODS[method].title:24s} {shown}")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- the sheet
def sanity_sheet(result: SanityResult, image: np.ndarray, width: int = 1400) -> np.ndarray:
    """One RGB picture: the similarity curves per metric (the bound drawn on the verdict's
    metric), then one row of maps per method across the randomised layers (and the
    shuffled-label copy's map last, when data randomisation ran)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from workbench import xai
    from workbench.xai.overlay import as_rgb_uint8, overlay

    shown = [m for m in result.methods if m in result.maps]
    data_maps = (result.data_randomization or {}).get("maps", {})
    titles = result.steps + (["shuffled labels"] if data_maps else [])
    columns = max(len(titles), 4)
    inches = width / 100
    cell = inches / columns
    curves = 3.4
    figure = Figure(figsize=(inches, curves + 0.4 + cell * 1.15 * len(shown)), dpi=100)
    FigureCanvasAgg(figure)
    grid = figure.add_gridspec(1 + len(shown), columns * 4, height_ratios=[curves] + [cell * 1.15] * len(shown))
    for k, metric in enumerate(METRICS):
        ax = figure.add_subplot(grid[0, k * columns:(k + 1) * columns])
        for method in shown:
            values = result.similarity[method][metric]
            ax.plot(range(len(values)), values, marker="o", label=xai.METHODS[method].title)
        if metric == result.metric:
            ax.axhline(result.bound, color="red", linestyle="--", linewidth=1, label=f"bound {result.bound}")
        ax.set_title(metric.replace("_abs", " (abs)"), fontsize=9)
        ax.set_xticks(range(len(result.steps)))
        ax.set_xticklabels(result.steps, rotation=60, ha="right", fontsize=6)
        ax.set_ylim(-1.05, 1.05)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
        if metric == result.metric:
            ax.legend(fontsize=6, loc="lower left")
    picture = as_rgb_uint8(np.asarray(image))
    for row, method in enumerate(shown):
        maps = list(result.maps[method]) + ([data_maps[method]] if method in data_maps else [])
        for col, heatmap in enumerate(maps):
            ax = figure.add_subplot(grid[1 + row, col * 4:(col + 1) * 4])
            ax.imshow(overlay(picture, heatmap, 0.5, "jet"))
            ax.set_xticks([])
            ax.set_yticks([])
            if col == 0:
                ax.set_ylabel(xai.METHODS[method].title, fontsize=7)
            if row == 0:
                ax.set_title(titles[col], fontsize=7)
    failing = ", ".join(xai.METHODS[m].title for m in result.failing) or "none"
    figure.suptitle(f"Sanity check (cascading randomisation), class {result.class_index} — "
                    f"methods that fail: {failing}", fontsize=10)
    figure.tight_layout()
    figure.canvas.draw()
    return np.asarray(figure.canvas.buffer_rgba())[..., :3].copy()
