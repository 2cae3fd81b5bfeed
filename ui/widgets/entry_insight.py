"""What is characteristic of the chosen architecture, as numbers.

- every entry: its parameter count when built for the loaded data's input shape;
- MobileNet: per layer, the multiply-adds of the depthwise separable convolution vs a
  standard one (``workbench.models.vision.mobilenet.multiply_adds``), and the total
  ratio (about 1/8.5 at alpha = 1);
- EfficientNet: depth, width and resolution multipliers of compound scaling for the
  chosen phi (``compound_scaling``), and for B0-B7 the official coefficients beside
  what the phi rule gives;
- entries with a normalisation chosen (not "none"): the equalities between BatchNorm, LayerNorm,
  InstanceNorm and GroupNorm the notes state, computed with Keras' layers
  (``workbench.models.normalization_checks``), the chosen one's row in bold.

The figures and the model build need Keras, so they run on the TF lane
(``ui.bridge``): the widget only draws what comes back.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QLabel, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from ui.bridge import run_in_background
from workbench.errors import WorkbenchError

#: The lane shared with every other Keras call of the GUI (see ``ui.bridge._Lane``).
TF_LANE = "tf"
EFFICIENTNET_VARIANTS = tuple(f"efficientnetb{i}" for i in range(8))


# -- the figures (worker thread) ----------------------------------------------------------------
def entry_figures(entry, hp: dict, info) -> dict | None:
    """``{"title", "headers", "rows", "highlight", "summary", ...}`` for entries with a
    characteristic table, else None."""
    if entry.name == "mobilenet":
        return mobilenet_figures(hp, info)
    if entry.name == "efficientnet":
        return efficientnet_phi_figures(hp)
    if entry.name in EFFICIENTNET_VARIANTS:
        return efficientnet_variant_figures(entry.name[-2:], hp)
    if hp.get("normalization", "none") != "none":
        return normalization_figures(hp["normalization"])
    return None


#: The equality row that concerns each normalisation choice (bold in the table).
NORMALIZATION_ROW = {"batch": 0, "group": 1, "instance": 2, "layer": 3}


def normalization_figures(chosen: str) -> dict:
    from workbench.models import normalization_checks

    numbers = normalization_checks.report()
    rows = [(name, "equal", f"{value:.1e}") for name, value in numbers["equalities"].items()]
    rows += [(name, "not equal", f"{value:.3f}") for name, value in numbers["near_misses"].items()]
    return {"title": "Normalisation: the notes' equalities, checked",
            "headers": ["Keras layers compared", "should be", "max |difference|"], "rows": rows,
            "highlight": NORMALIZATION_ROW.get(chosen),
            "summary": "On a sample feature map (N=4, 6×6, C=8; ε=1e-8), each side computed with Keras' own "
                       "layers: the equalities hold to float precision, the near misses show what they are "
                       "not. <tt>keras-workbench checks normalization</tt> prints them."}


def mobilenet_figures(hp: dict, info) -> dict:
    """The multiply-add table of the model as configured (input side and classes of the data)."""
    from workbench.models.vision import mobilenet

    classes = info.num_classes if info is not None and info.num_classes else 1000
    channels = info.input_shape[-1] if info is not None and len(info.input_shape) == 3 else 3
    base = hp["input_size"] or (max(32, min(info.input_shape[:2])) if info is not None
                                else mobilenet.BASE_RESOLUTION)
    if hp.get("depth_multiplier", 1) != 1:
        model = mobilenet.mobilenet(_info_or_default(info), hp["alpha"], hp["rho"], base,
                                    hp["depth_multiplier"], "batch", 0.0)
        table = mobilenet.model_multiply_adds(model)
    else:
        table = mobilenet.multiply_adds(hp["alpha"], hp["rho"], base, classes, channels)
    rows = [(row["name"], row["kind"], f"{row['height']}×{row['width']}",
             f"{row['in_channels']}→{row['out_channels']}", _mega(row["separable"]),
             _mega(row["standard"]), f"{row['ratio']:.3f}") for row in table["layers"]]
    total = table["total"]
    side = mobilenet.input_side(base, hp["rho"])
    summary = (f"<b>Total: {_mega(total['separable'])} M multiply-adds instead of "
               f"{_mega(total['standard'])} M with standard convolutions: ratio "
               f"{total['ratio']:.3f} (1/{1 / total['ratio']:.1f}).</b> Per separable layer the ratio "
               f"is 1/M + 1/K² (K = 3). Input {side}×{side}, alpha = {hp['alpha']:g}, "
               f"rho = {hp['rho']:g}, {classes} classes.")
    reference = mobilenet.multiply_adds(hp["alpha"], hp["rho"])["total"]
    summary += (f"<br>The paper's setting (224×224×3, 1000 classes) at this alpha and rho: "
                f"{_mega(reference['separable'])} M vs {_mega(reference['standard'])} M, ratio "
                f"{reference['ratio']:.3f}.")
    return {"title": "Depthwise separable vs standard convolution (multiply-adds, millions)",
            "headers": ["Layer", "Kind", "Output", "Channels", "Separable (M)", "Standard (M)", "Ratio"],
            "rows": rows, "highlight": None, "summary": summary, "ratio": total["ratio"],
            "macs": total, "reference_ratio": reference["ratio"]}


def efficientnet_phi_figures(hp: dict) -> dict:
    """d, w, r for the chosen phi by compound scaling."""
    from workbench.models.vision.efficientnet import compound_scaling

    phi, alpha, beta, gamma = hp["phi"], hp["alpha"], hp["beta"], hp["gamma"]
    scale = compound_scaling(phi, alpha, beta, gamma)
    side = hp["input_size"] or scale["input_side"]
    rows = [("depth d", f"α^φ = {alpha:g}^{phi:g}", _coef(scale["depth"])),
            ("width w", f"β^φ = {beta:g}^{phi:g}", _coef(scale["width"])),
            ("resolution r", f"γ^φ = {gamma:g}^{phi:g}", _coef(scale["resolution"])),
            ("input side", "round(224 · r)", f"{side}"),
            ("FLOPs", "(α·β²·γ²)^φ", f"×{scale['flops']:.3g}")]
    per_step = alpha * beta ** 2 * gamma ** 2
    summary = (f"φ = {phi:g}: depth ×{_coef(scale['depth'])}, width ×{_coef(scale['width'])}, "
               f"resolution ×{_coef(scale['resolution'])}. Each +1 of φ multiplies the FLOPs by "
               f"α·β²·γ² = {per_step:.3g} (the paper keeps it near 2).")
    return {"title": "Compound scaling", "headers": ["Multiplier", "Rule", "Value"], "rows": rows,
            "highlight": None, "summary": summary, "scale": scale}


def efficientnet_variant_figures(variant: str, hp: dict) -> dict:
    """B0-B7: official (w, d, resolution, dropout) beside the phi rule at phi = their index."""
    from workbench.models.vision.efficientnet import OFFICIAL_COEFFICIENTS, compound_scaling

    rows = []
    for index, (name, (width, depth, resolution, dropout)) in enumerate(OFFICIAL_COEFFICIENTS.items()):
        rule = compound_scaling(index)
        rows.append((name.upper(), f"{width:g}", f"{depth:g}", f"{resolution}", f"{dropout:g}",
                     f"{_coef(rule['width'])} / {_coef(rule['depth'])} / {rule['input_side']}"))
    width, depth, resolution, _ = OFFICIAL_COEFFICIENTS[variant]
    edited = (hp["width_coefficient"], hp["depth_coefficient"], hp["input_size"] or resolution)
    changed = "" if edited == (width, depth, resolution) else (
        f" The form changes them to w = {edited[0]:g}, d = {edited[1]:g}, {edited[2]}px.")
    summary = (f"<b>{variant.upper()}</b>: width w = {width:g}, depth d = {depth:g}, {resolution}×{resolution} "
               f"input.{changed} The released B1-B7 only roughly follow the compound rule w = 1.1^φ, "
               "d = 1.2^φ, r = 1.15^φ: the last column gives the rule's values at φ = 0…7.")
    return {"title": "EfficientNet B0-B7: official coefficients and the compound rule",
            "headers": ["Variant", "Width w", "Depth d", "Resolution", "Dropout", "Rule at φ = index (w / d / side)"],
            "rows": rows, "highlight": list(OFFICIAL_COEFFICIENTS).index(variant), "summary": summary,
            "official": (width, depth, resolution)}


def count_parameters(entry, hp: dict, info) -> dict:
    """Build ``entry`` for ``info`` (TF lane) and count its parameters."""
    model = entry.build(hp, info)
    trainable = sum(math.prod(v.shape) for v in model.trainable_weights)
    return {"params": int(model.count_params()), "trainable": trainable, "layers": len(model.layers)}


def _info_or_default(info):
    if info is not None:
        return info
    from workbench.data.base import DataInfo

    return DataInfo("imagenet", "image", "classification", (224, 224, 3), tuple(map(str, range(1000))))


def _mega(macs: float) -> str:
    millions = macs / 1e6
    return f"{millions:,.1f}" if millions >= 1 else f"{millions:.3g}"


def _coef(value: float) -> str:
    return f"{value:.4g}"


def _shape_text(info) -> str:
    return "×".join(map(str, info.input_shape))


# -- the widget -------------------------------------------------------------------------------------
class EntryInsight(QWidget):
    """Shows the numbers that characterise an entry; ``show_entry`` recomputes them."""

    #: "figures" or "params" once that part has been redrawn (tests wait on it).
    updated = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.entry = None
        self.info = None
        self.figures: dict | None = None
        self.params: dict | None = None
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.params_label = QLabel()
        self.params_label.setWordWrap(True)
        self.table = QTableWidget(0, 0)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.params_label)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 100)
        layout.addStretch(1)  # only takes what the table, capped at its rows' height, leaves
        self.table.hide()
        self.heading.setText("<i>Choose a model to see what characterises it.</i>")

    def set_info(self, info) -> None:
        """The data the parameter count is built for (``Dataset.info``)."""
        self.info = info

    def show_entry(self, entry, hparams: dict, info=None) -> None:
        """Recompute the figures for ``entry`` with the form's ``hparams`` (raw values are parsed)."""
        if info is not None:
            self.info = info
        self.entry, self.figures, self.params = entry, None, None
        self.heading.setText(f"<b>{entry.title}</b>")
        try:
            hp = entry.resolve(hparams)
        except WorkbenchError as error:
            self._show_error(str(error))
            return
        info = self.info
        self.summary.setText("")
        if (entry.name == "mobilenet" or entry.name.startswith("efficientnet")
                or hp.get("normalization", "none") != "none"):
            self.summary.setText("<i>computing…</i>")
            run_in_background(lambda: entry_figures(entry, hp, info), self._show_figures, self._show_error,
                              key=f"insight-figures-{id(self)}", lane=TF_LANE, owner=self)
        else:
            self._show_figures(None)
        if info is None:
            self.params_label.setText("<i>Load a data set to count the parameters for its input shape.</i>")
            return
        self.params_label.setText(f"<i>Counting parameters for {_shape_text(info)} inputs…</i>")
        run_in_background(lambda: count_parameters(entry, hp, info), self._show_params, self._params_failed,
                          key=f"insight-params-{id(self)}", lane=TF_LANE, owner=self)


    # -- drawing what came back --------------------------------------------------------------------
    def _show_figures(self, figures: dict | None) -> None:
        self.figures = figures
        if figures is None:
            self.table.hide()
            self.summary.setText("")
            self.updated.emit("figures")
            return
        self.summary.setText(f"<u>{figures['title']}</u><br>{figures['summary']}")
        table = self.table
        table.clear()
        table.setColumnCount(len(figures["headers"]))
        table.setHorizontalHeaderLabels(figures["headers"])
        table.setRowCount(len(figures["rows"]))
        bold = self.font()
        bold.setBold(True)
        for r, row in enumerate(figures["rows"]):
            for c, text in enumerate(row):
                item = QTableWidgetItem(str(text))
                if c > 0 and str(text)[:1] in "0123456789×":
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if r == figures.get("highlight"):
                    item.setFont(bold)
                    item.setBackground(self.palette().alternateBase())
                table.setItem(r, c, item)
        table.resizeColumnsToContents()
        # as tall as its rows, no taller: a short table leaves no empty white box below it
        rows_height = sum(table.rowHeight(r) for r in range(table.rowCount()))
        table.setMaximumHeight(table.horizontalHeader().sizeHint().height() + rows_height
                               + 2 * table.frameWidth() + 4)
        table.show()
        self.updated.emit("figures")

    def _show_params(self, counts: dict) -> None:
        self.params = counts
        info = self.info
        classes = f", {info.num_classes} classes" if info is not None and info.num_classes else ""
        frozen = counts["params"] - counts["trainable"]
        extra = f" ({counts['trainable']:,} trainable, {frozen:,} not)" if frozen else ""
        self.params_label.setText(f"<b>{counts['params']:,} parameters</b>{extra} · {counts['layers']} layers, "
                                  f"built for {_shape_text(info)} inputs{classes}.")
        self.updated.emit("params")

    def _params_failed(self, message: str) -> None:
        self.params_label.setText(f"<span style='color:#b03000'>Cannot build it for this data: {message}</span>")
        self.updated.emit("params")

    def _show_error(self, message: str) -> None:
        self.table.hide()
        self.summary.setText(f"<span style='color:#b03000'>{message}</span>")
        self.updated.emit("figures")

    def table_rows(self) -> list[list[str]]:
        """The table's cells as text (tests and screenshots read it)."""
        return [[self.table.item(r, c).text() for c in range(self.table.columnCount())]
                for r in range(self.table.rowCount())]
