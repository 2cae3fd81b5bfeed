"""Views: what a trainer, a data source or an evaluation wants a person to *see*.

A view is a small typed value (numbers and text, never a bitmap or a tensor), sent as
one ``View(name, value)`` event. The core renders it to PNG for the run directory
(``workbench/views/render.py``) and stores the data behind it (``store.py``); the GUI
renders the same value live with pyqtgraph (``ui/widgets/views/``). A trainer never
draws: it says what to show.

Every value type has ``kind`` (its name on disk), ``to_record() -> (meta, arrays)`` and
``from_record(meta, arrays)``: ``meta`` is JSON-able, ``arrays`` is a dict of numpy
arrays (stored as ``.npz``), so each view round-trips through the run directory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

#: View names become file names: ``views/NAME.png``.
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,79}$")


def check_name(name: str) -> str:
    if not NAME_PATTERN.match(name):
        raise ValueError(f"view name {name!r} must be lower-case letters, digits, '_', '-' or '.' "
                         "(it becomes a file name)")
    return name


@dataclass
class Curves:
    """Named curves over a shared kind of x axis (gradient norm over time steps, accuracy by gap)."""

    kind: ClassVar[str] = "curves"
    series: dict[str, tuple[np.ndarray, np.ndarray]]  # label -> (x, y)
    x_label: str = ""
    y_label: str = ""
    log_y: bool = False

    def __post_init__(self):
        self.series = {str(k): (np.asarray(x, np.float64).ravel(), np.asarray(y, np.float64).ravel())
                       for k, (x, y) in self.series.items()}
        for label, (x, y) in self.series.items():
            if x.shape != y.shape:
                raise ValueError(f"curve {label!r}: {x.size} x values but {y.size} y values")

    def to_record(self):
        labels = list(self.series)
        arrays = {}
        for i, label in enumerate(labels):
            arrays[f"x{i}"], arrays[f"y{i}"] = self.series[label]
        return {"labels": labels, "x_label": self.x_label, "y_label": self.y_label,
                "log_y": self.log_y}, arrays

    @classmethod
    def from_record(cls, meta, arrays):
        series = {label: (arrays[f"x{i}"], arrays[f"y{i}"]) for i, label in enumerate(meta["labels"])}
        return cls(series, meta.get("x_label", ""), meta.get("y_label", ""), bool(meta.get("log_y")))


@dataclass
class HeatGrid:
    """A matrix with labelled axes: attention weights, a confusion matrix, a Q-table, a value grid.

    ``values[i, j]`` is row ``i`` (drawn top to bottom), column ``j``.
    """

    kind: ClassVar[str] = "heatgrid"
    values: np.ndarray  # (rows, cols)
    row_labels: list[str] = field(default_factory=list)
    col_labels: list[str] = field(default_factory=list)
    x_label: str = ""  # what the columns are ("predicted", "key position", "action")
    y_label: str = ""  # what the rows are ("true", "query position", "state")
    annotate: bool = False  # write each cell's value in it (small matrices)
    colormap: str = "viridis"

    def __post_init__(self):
        self.values = np.asarray(self.values, np.float64)
        if self.values.ndim != 2:
            raise ValueError(f"a heat grid needs a 2-D matrix, got shape {self.values.shape}")
        self.row_labels = [str(v) for v in self.row_labels]
        self.col_labels = [str(v) for v in self.col_labels]
        rows, cols = self.values.shape
        if self.row_labels and len(self.row_labels) != rows:
            raise ValueError(f"{len(self.row_labels)} row labels for {rows} rows")
        if self.col_labels and len(self.col_labels) != cols:
            raise ValueError(f"{len(self.col_labels)} column labels for {cols} columns")

    def to_record(self):
        return {"row_labels": self.row_labels, "col_labels": self.col_labels, "x_label": self.x_label,
                "y_label": self.y_label, "annotate": self.annotate,
                "colormap": self.colormap}, {"values": self.values}

    @classmethod
    def from_record(cls, meta, arrays):
        return cls(arrays["values"], meta.get("row_labels", []), meta.get("col_labels", []),
                   meta.get("x_label", ""), meta.get("y_label", ""), bool(meta.get("annotate")),
                   meta.get("colormap", "viridis"))


@dataclass
class ImageGrid:
    """Images in a grid with a caption each: samples, reconstructions, interpolations, frames.

    ``images`` is ``(N, H, W)`` or ``(N, H, W, C)`` with C in {1, 3}: uint8, or floats in [0, 1].
    """

    kind: ClassVar[str] = "imagegrid"
    images: np.ndarray
    captions: list[str] = field(default_factory=list)
    columns: int = 0  # 0 = as square as possible

    def __post_init__(self):
        images = np.asarray(self.images)
        if images.ndim == 4 and images.shape[-1] == 1:
            images = images[..., 0]
        if images.ndim not in (3, 4) or (images.ndim == 4 and images.shape[-1] != 3):
            raise ValueError(f"an image grid needs (N, H, W) or (N, H, W, 3) images, got {images.shape}")
        if images.dtype != np.uint8:
            images = (np.clip(np.nan_to_num(images.astype(np.float64)), 0.0, 1.0) * 255 + 0.5).astype(np.uint8)
        self.images = images
        self.captions = [str(c) for c in self.captions]
        if self.captions and len(self.captions) != len(images):
            raise ValueError(f"{len(self.captions)} captions for {len(images)} images")

    @property
    def grid_shape(self) -> tuple[int, int]:
        n = max(len(self.images), 1)
        cols = self.columns or int(np.ceil(np.sqrt(n)))
        return int(np.ceil(n / cols)), cols

    def to_record(self):
        return {"captions": self.captions, "columns": self.columns}, {"images": self.images}

    @classmethod
    def from_record(cls, meta, arrays):
        return cls(arrays["images"], meta.get("captions", []), int(meta.get("columns", 0)))


#: Projections a scatter view offers for features with more than two dimensions.
PROJECTIONS = ("pca", "tsne")


@dataclass
class Scatter:
    """Points coloured by label; ``features`` of more than two columns are projected to 2-D
    (PCA or t-SNE from scikit-learn, see ``workbench/views/projection.py``)."""

    kind: ClassVar[str] = "scatter"
    features: np.ndarray  # (N, D), D >= 2
    labels: np.ndarray | None = None  # (N,) int class index, or None
    label_names: list[str] = field(default_factory=list)
    projection: str = "pca"  # used when D > 2
    x_label: str = ""
    y_label: str = ""
    #: Optional regions behind the points (a decision boundary): ``(rows, cols)`` class indices
    #: (integers) or probabilities (floats in [0, 1]); row 0 is the bottom (``y = extent[2]``).
    background: np.ndarray | None = None
    extent: tuple[float, float, float, float] | None = None  # (x_min, x_max, y_min, y_max)
    #: A name per point (words of an embedding): written beside the points when there are few
    #: enough to read (``NAMED_POINTS``), and shown on hover in the window.
    point_names: list[str] = field(default_factory=list)
    #: ``method -> (N, 2)`` projections computed where the run runs (``views.display``), for
    #: a window to draw without computing them; not part of the record.
    projected: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        self.features = np.asarray(self.features, np.float64)
        self.point_names = [str(v) for v in self.point_names]
        if self.point_names and len(self.point_names) != len(self.features):
            raise ValueError(f"{len(self.point_names)} point names for {len(self.features)} points")
        if self.features.ndim != 2 or self.features.shape[1] < 2:
            raise ValueError(f"a scatter needs (N, D >= 2) features, got {self.features.shape}")
        if self.labels is not None:
            self.labels = np.asarray(self.labels).astype(np.int64).ravel()
            if len(self.labels) != len(self.features):
                raise ValueError(f"{len(self.labels)} labels for {len(self.features)} points")
        if self.projection not in PROJECTIONS:
            raise ValueError(f"projection {self.projection!r} is not one of {', '.join(PROJECTIONS)}")
        self.label_names = [str(v) for v in self.label_names]
        if self.background is not None:
            self.background = np.asarray(self.background)
            if not np.issubdtype(self.background.dtype, np.integer):
                self.background = self.background.astype(np.float64)
            if self.background.ndim != 2 or self.extent is None or len(self.extent) != 4:
                raise ValueError("a scatter's background needs a 2-D grid and its extent "
                                 "(x_min, x_max, y_min, y_max)")
            self.extent = tuple(float(v) for v in self.extent)

    def to_record(self):
        arrays = {"features": self.features}
        if self.labels is not None:
            arrays["labels"] = self.labels
        if self.background is not None:
            arrays["background"] = self.background
        return {"label_names": self.label_names, "projection": self.projection,
                "x_label": self.x_label, "y_label": self.y_label,
                "extent": list(self.extent) if self.extent else None, "point_names": self.point_names}, arrays

    @classmethod
    def from_record(cls, meta, arrays):
        return cls(arrays["features"], arrays.get("labels"), meta.get("label_names", []),
                   meta.get("projection", "pca"), meta.get("x_label", ""), meta.get("y_label", ""),
                   arrays.get("background"), meta.get("extent"), meta.get("point_names", []))


#: Up to this many points, a scatter's point names are written beside the points.
NAMED_POINTS = 150


@dataclass
class Graph:
    """Nodes and edges, nodes coloured by class (true or predicted); laid out with networkx
    unless ``positions`` are given. ``marked`` nodes (e.g. wrongly predicted) get a red ring
    and keep their class colour."""

    kind: ClassVar[str] = "graph"
    edges: np.ndarray  # (E, 2) node indices
    num_nodes: int
    labels: np.ndarray | None = None  # (num_nodes,) class index per node
    label_names: list[str] = field(default_factory=list)
    node_names: list[str] = field(default_factory=list)
    positions: np.ndarray | None = None  # (num_nodes, 2)
    marked: np.ndarray | None = None  # (num_nodes,) bool

    def __post_init__(self):
        self.edges = np.asarray(self.edges, np.int64).reshape(-1, 2)
        if self.marked is not None:
            self.marked = np.asarray(self.marked, bool).ravel()
            if len(self.marked) != self.num_nodes:
                raise ValueError(f"{len(self.marked)} marks for {self.num_nodes} nodes")
        self.num_nodes = int(self.num_nodes)
        if self.edges.size and (self.edges.min() < 0 or self.edges.max() >= self.num_nodes):
            raise ValueError(f"edges name nodes outside 0..{self.num_nodes - 1}")
        if self.labels is not None:
            self.labels = np.asarray(self.labels).astype(np.int64).ravel()
            if len(self.labels) != self.num_nodes:
                raise ValueError(f"{len(self.labels)} labels for {self.num_nodes} nodes")
        if self.positions is not None:
            self.positions = np.asarray(self.positions, np.float64).reshape(self.num_nodes, 2)
        self.label_names = [str(v) for v in self.label_names]
        self.node_names = [str(v) for v in self.node_names]

    def to_record(self):
        arrays = {"edges": self.edges}
        if self.labels is not None:
            arrays["labels"] = self.labels
        if self.positions is not None:
            arrays["positions"] = self.positions
        if self.marked is not None:
            arrays["marked"] = self.marked
        return {"num_nodes": self.num_nodes, "label_names": self.label_names,
                "node_names": self.node_names}, arrays

    @classmethod
    def from_record(cls, meta, arrays):
        return cls(arrays["edges"], meta["num_nodes"], arrays.get("labels"), meta.get("label_names", []),
                   meta.get("node_names", []), arrays.get("positions"), arrays.get("marked"))


@dataclass
class Text:
    """Text to read: a fitted equation, generated text, a decoded transcript.
    ``math=True``: ``text`` is a formula (rendered with mathtext in the PNG)."""

    kind: ClassVar[str] = "text"
    text: str
    math: bool = False

    def to_record(self):
        return {"text": self.text, "math": self.math}, {}

    @classmethod
    def from_record(cls, meta, arrays):
        return cls(meta["text"], bool(meta.get("math")))


@dataclass
class Audio:
    """A sound: drawn as its waveform and its spectrogram."""

    kind: ClassVar[str] = "audio"
    samples: np.ndarray  # (T,) floats in [-1, 1]
    sample_rate: int
    caption: str = ""
    #: ``(freqs, times, dB)`` computed where the run runs (``views.display``), ``()`` for a
    #: clip too short to have one, ``None`` when not computed; not part of the record.
    spectrum: tuple | None = field(default=None, repr=False, compare=False)

    def __post_init__(self):
        self.samples = np.asarray(self.samples, np.float32).ravel()
        self.sample_rate = int(self.sample_rate)
        if self.sample_rate <= 0:
            raise ValueError(f"sample rate {self.sample_rate} must be positive")

    def to_record(self):
        return {"sample_rate": self.sample_rate, "caption": self.caption}, {"samples": self.samples}

    @classmethod
    def from_record(cls, meta, arrays):
        return cls(arrays["samples"], meta["sample_rate"], meta.get("caption", ""))


VALUE_TYPES = {t.kind: t for t in (Curves, HeatGrid, ImageGrid, Scatter, Graph, Text, Audio)}
ViewValue = Curves | HeatGrid | ImageGrid | Scatter | Graph | Text | Audio


@dataclass
class View:
    """The event: show ``value`` under ``name`` (a later view of the same name replaces it).

    ``step`` says when it was made (the epoch, 1-based, or 0 before training) so a run's
    views can be told apart from a resumed run's.
    """

    name: str
    value: ViewValue
    title: str = ""
    step: int = 0

    def __post_init__(self):
        check_name(self.name)
        if type(self.value).__name__ not in {t.__name__ for t in VALUE_TYPES.values()}:
            raise TypeError(f"view {self.name!r}: {type(self.value).__name__} is not a view value")
        self.title = self.title or self.name.replace("_", " ")
