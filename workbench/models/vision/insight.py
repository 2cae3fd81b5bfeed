"""The Insight view's content, declared per catalog entry (``Entry.insight``).

Each function here is ``(hp, info) -> dict | None`` (no Qt): a section with ``title``,
``summary`` (HTML), ``headers`` and ``rows`` (text cells), ``highlight`` (a row index or
None), and optionally ``action``: ``{"label", "run"}`` where ``run`` names a
``"module:function"`` called as ``(hp, info, progress, should_stop) -> dict`` (a section
that replaces this one) on a worker thread — for the measurements that take seconds. None
means "nothing to show for these settings" (normalisation "none").
"""

from __future__ import annotations

from workbench.data.base import DataInfo

_HERE = "workbench.models.vision.insight"
_PAPER_INPUT = DataInfo("imagenet", "image", "classification", (224, 224, 3), tuple(map(str, range(1000))))


# -- normalisation (every entry with a normalization choice) --------------------------------------
#: The equality row that concerns each normalisation choice (bold in the table).
NORMALIZATION_ROW = {"batch": 0, "group": 1, "instance": 2, "layer": 3}


def normalization(hp: dict, info) -> dict | None:
    chosen = hp.get("normalization", "none")
    if chosen == "none":
        return None
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


# -- MobileNet ------------------------------------------------------------------------------------
def mobilenet(hp: dict, info) -> dict:
    """The multiply-add table of the model as configured (input side and classes of the data)."""
    from workbench.models.vision import mobilenet as net

    classes = info.num_classes if info is not None and info.num_classes else 1000
    channels = info.input_shape[-1] if info is not None and len(info.input_shape) == 3 else 3
    base = hp["input_size"] or (max(32, min(info.input_shape[:2])) if info is not None else net.BASE_RESOLUTION)
    if hp.get("depth_multiplier", 1) != 1:
        model = net.mobilenet(info or _PAPER_INPUT, hp["alpha"], hp["rho"], base, hp["depth_multiplier"],
                              "batch", 0.0)
        table = net.model_multiply_adds(model)
    else:
        table = net.multiply_adds(hp["alpha"], hp["rho"], base, classes, channels)
    rows = [(row["name"], row["kind"], f"{row['height']}×{row['width']}",
             f"{row['in_channels']}→{row['out_channels']}", _mega(row["separable"]),
             _mega(row["standard"]), f"{row['ratio']:.3f}") for row in table["layers"]]
    total = table["total"]
    side = net.input_side(base, hp["rho"])
    summary = (f"<b>Total: {_mega(total['separable'])} M multiply-adds instead of "
               f"{_mega(total['standard'])} M with standard convolutions: ratio "
               f"{total['ratio']:.3f} (1/{1 / total['ratio']:.1f}).</b> Per separable layer the ratio "
               f"is 1/M + 1/K² (K = 3). Input {side}×{side}, alpha = {hp['alpha']:g}, "
               f"rho = {hp['rho']:g}, {classes} classes.")
    reference = net.multiply_adds(hp["alpha"], hp["rho"])["total"]
    summary += (f"<br>The paper's setting (224×224×3, 1000 classes) at this alpha and rho: "
                f"{_mega(reference['separable'])} M vs {_mega(reference['standard'])} M, ratio "
                f"{reference['ratio']:.3f}.")
    return {"title": "Depthwise separable vs standard convolution (multiply-adds, millions)",
            "headers": ["Layer", "Kind", "Output", "Channels", "Separable (M)", "Standard (M)", "Ratio"],
            "rows": rows, "highlight": None, "summary": summary, "ratio": total["ratio"],
            "macs": total, "reference_ratio": reference["ratio"]}


# -- EfficientNet ---------------------------------------------------------------------------------
def efficientnet_phi(hp: dict, info) -> dict:
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
               f"α·β²·γ² = {per_step:.3g} (the paper keeps it near 2: 1.2·1.1²·1.15² = 1.92).")
    return {"title": "Compound scaling", "headers": ["Multiplier", "Rule", "Value"], "rows": rows,
            "highlight": None, "summary": summary, "scale": scale}


def efficientnet_variant(variant: str, hp: dict) -> dict:
    """B0-B7: official (w, d, resolution, dropout) beside the phi rule at phi = their index."""
    from workbench.models.vision.efficientnet import (
        OFFICIAL_COEFFICIENTS,
        compound_scaling,
    )

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


def _variant_insight(variant: str):
    def insight(hp: dict, info) -> dict:
        return efficientnet_variant(variant, hp)

    insight.__name__ = f"efficientnet{variant}"
    return insight


efficientnetb0 = _variant_insight("b0")
efficientnetb1 = _variant_insight("b1")
efficientnetb2 = _variant_insight("b2")
efficientnetb3 = _variant_insight("b3")
efficientnetb4 = _variant_insight("b4")
efficientnetb5 = _variant_insight("b5")
efficientnetb6 = _variant_insight("b6")
efficientnetb7 = _variant_insight("b7")


def efficientnet_flops(hp: dict, info) -> dict:
    """Announces the measurement of phi = 0..3 (it builds four networks: run on demand)."""
    alpha, beta, gamma = hp.get("alpha", 1.2), hp.get("beta", 1.1), hp.get("gamma", 1.15)
    return {"title": "FLOPs against 2^φ, measured", "headers": [], "rows": [], "highlight": None,
            "summary": (f"α·β²·γ² = {alpha:g}·{beta:g}²·{gamma:g}² = <b>{alpha * beta ** 2 * gamma ** 2:.3f}</b>. "
                        "Measure builds the φ = 0…3 networks (1000 classes) and counts the multiply-adds of "
                        "their convolutions and dense layers, against 2^φ."),
            "action": {"label": "Measure φ = 0…3", "run": f"{_HERE}:run_efficientnet_flops"}}


def run_efficientnet_flops(hp: dict, info, progress=None, should_stop=None) -> dict:
    from workbench.models.vision.architecture_checks import efficientnet_phi_macs

    alpha, beta, gamma = hp.get("alpha", 1.2), hp.get("beta", 1.1), hp.get("gamma", 1.15)
    numbers = efficientnet_phi_macs((0, 1, 2, 3), alpha, beta, gamma, progress, should_stop)
    rows = [(f"{r['phi']}", f"{r['side']}", _coef(r["depth"]), _coef(r["width"]), f"{r['macs'] / 1e9:.3f}",
             f"×{r['ratio']:.2f}", f"×{r['two_to_phi']:g}", f"×{r['rule']:.2f}") for r in numbers["rows"]]
    growth = numbers.get("growth_per_step")
    summary = (f"α·β²·γ² = {numbers['per_step']:.3f}. Multiply-adds of the built networks grow "
               f"×{growth:.2f} per step of φ (fitted over φ = 0…3) against the rule's "
               f"{numbers['per_step']:.2f} and 2. φ = 1 overshoots because each stage's repeats are "
               "rounded up (⌈1.2·n⌉: 16 → 23 blocks, ×1.44 rather than ×1.2)."
               if growth else "Stopped.")
    return {"title": "FLOPs against 2^φ, measured",
            "headers": ["φ", "Input side", "Depth d", "Width w", "G multiply-adds", "÷ φ=0", "2^φ", "(α·β²·γ²)^φ"],
            "rows": rows, "highlight": None, "summary": summary, "numbers": numbers}


def efficientnet_grid(hp: dict, info) -> dict:
    from workbench.models.vision.architecture_checks import (
        GRID_TOLERANCE,
        grid_candidates,
    )

    count = len(grid_candidates())
    return {"title": "The φ = 1 grid search", "headers": [], "rows": [], "highlight": None,
            "summary": (f"The paper fixes φ = 1 and searches α, β, γ under α·β²·γ² ≈ 2: here {count} grid points "
                        f"within ±{GRID_TOLERANCE:g} of 2, each built at φ = 1 and its multiply-adds counted "
                        "against B0's. <tt>keras-workbench checks architecture --train-steps N</tt> also "
                        "trains each on the digits."),
            "action": {"label": "Run the grid search", "run": f"{_HERE}:run_efficientnet_grid"}}


def run_efficientnet_grid(hp: dict, info, progress=None, should_stop=None) -> dict:
    from workbench.models.vision.architecture_checks import grid_search

    numbers = grid_search(0, progress=progress, should_stop=should_stop)
    rows = [(f"{r['alpha']:g}", f"{r['beta']:g}", f"{r['gamma']:g}", f"{r['constraint']:.3f}",
             f"{r['macs'] / 1e9:.3f}", f"×{r['ratio']:.2f}") for r in numbers["rows"]]
    paper = next((i for i, r in enumerate(numbers["rows"]) if (r["alpha"], r["beta"], r["gamma"]) == (1.2, 1.1, 1.15)),
                 None)
    done = "" if numbers["complete"] else " (stopped before the end)"
    ratios = [r["ratio"] for r in numbers["rows"]]
    spread = f"×{min(ratios):.2f}–{max(ratios):.2f}" if ratios else "nothing yet"
    return {"title": "The φ = 1 grid search",
            "headers": ["α", "β", "γ", "α·β²·γ²", "G multiply-adds", "÷ B0"], "rows": rows, "highlight": paper,
            "summary": (f"B0: {numbers['b0_macs'] / 1e9:.3f} G multiply-adds{done}. Every point keeps α·β²·γ² "
                        f"near 2, which predicts ×2; the built networks measure {spread} because the stages' "
                        "repeats round up (⌈α·n⌉) and the widths to multiples of 8. The paper's choice (bold) "
                        "was the most accurate of its grid on ImageNet."), "numbers": numbers}


# -- VGG ------------------------------------------------------------------------------------------
def vgg_stacks(hp: dict, info) -> dict:
    from workbench.models.vision.architecture_checks import stacked_convolutions

    channels = max(1, int(round(64 * hp.get("width", 1.0))))  # the first block's width
    numbers = stacked_convolutions(channels)
    rows = [(r["layers"], f"{r['receptive_field'][0]}×{r['receptive_field'][1]}", f"{r['weights']:,}",
             f"{r['per_c2']:g} C²", f"{r['nonlinearities']}") for r in numbers["rows"]]
    summary = (f"C = {channels} channels in and out, no bias. Receptive fields found by a gradient test on "
               f"the built layers. <b>Two 3×3 see 5×5 with {numbers['saving_5x5']:.0%} of the weights "
               f"(18C² vs 25C²); three see 7×7 with {numbers['saving_7x7']:.0%} (27C² vs 49C²)</b>, "
               "and add a non-linearity per layer.")
    return {"title": "Stacked 3×3 convolutions against one large kernel", "rows": rows, "highlight": 0,
            "headers": ["Layers", "Receptive field", "Weights", "Weights / C²", "Non-linearities"],
            "summary": summary, "numbers": numbers}


# -- ResNet ---------------------------------------------------------------------------------------
def resnet_blocks(hp: dict, info) -> dict:
    from workbench.models.vision.architecture_checks import bottleneck_vs_basic

    width = max(1, int(round(64 * hp.get("width", 1.0))))  # conv2_x's width
    numbers = bottleneck_vs_basic(width, 56)
    rows = []
    for label in ("basic", "bottleneck"):
        block = numbers[label]
        for layer in block["layers"]:
            rows.append((label, layer["name"].split("_", 1)[1], "×".join(map(str, layer["output"])),
                         _mega(layer["macs"])))
        rows.append((label, "total", f"{block['channels_in']}→{block['channels_out']} channels",
                     _mega(block["macs"])))
    summary = (f"At width {width} on 56×56 (conv2_x): the bottleneck block (1×1 {4 * width}→{width}, 3×3, "
               f"1×1 {width}→{4 * width}) costs <b>{_mega(numbers['bottleneck']['macs'])} M multiply-adds, "
               f"×{numbers['ratio']:.3f} of the basic block's {_mega(numbers['basic']['macs'])} M</b> "
               "while working on 4× the channels and adding a layer; counted on the built blocks. Whole "
               "networks at 224×224: ResNet-34 3.6 G, ResNet-50 3.8 G (the paper's Table 1; "
               "<tt>keras-workbench checks architecture</tt> measures them).")
    return {"title": "Bottleneck block against basic block (multiply-adds, millions)",
            "headers": ["Block", "Layer", "Output", "M multiply-adds"], "rows": rows, "highlight": None,
            "summary": summary, "numbers": numbers}


# -- Wide ResNet ----------------------------------------------------------------------------------
def wrn_k1(hp: dict, info) -> dict:
    from workbench.models.vision.architecture_checks import wrn_vs_resnet

    numbers = wrn_vs_resnet(hp["depth"], hp.get("normalization", "batch"))
    same = numbers["wrn_params"] == numbers["plain_params"] and numbers["same_weight_shapes"]
    rows = [("parameters", f"{numbers['wrn_params']:,}", f"{numbers['plain_params']:,}"),
            ("weight tensors", f"{numbers['weights']}", "same shapes" if numbers["same_weight_shapes"] else "differ"),
            ("feature maps", " / ".join(map(str, numbers["wrn_feature_maps"])),
             " / ".join(map(str, numbers["plain_feature_maps"]))),
            ("average pool", f"{numbers['wrn_pool']}×{numbers['wrn_pool']}",
             f"{numbers['plain_pool']}×{numbers['plain_pool']}")]
    verdict = "equal" if same else "<b>not</b> equal"
    summary = (f"On 32×32×3 CIFAR inputs, 10 classes: WRN-{numbers['depth']}-1 and the plain pre-activation "
               f"ResNet-{numbers['plain_depth']} (n = {numbers['blocks']} blocks of 16/32/64 filters) are "
               f"<b>{verdict}</b>: k = 1 is the ordinary ResNet (note 002), k widens every group to 16k, 32k, 64k.")
    return {"title": f"WRN-{numbers['depth']}-1 against the plain CIFAR ResNet",
            "headers": ["", f"WRN-{numbers['depth']}-1", f"ResNet-{numbers['plain_depth']}"], "rows": rows,
            "highlight": 0, "summary": summary, "numbers": numbers}


def _mega(macs: float) -> str:
    millions = macs / 1e6
    return f"{millions:,.1f}" if millions >= 1 else f"{millions:.3g}"


def _coef(value: float) -> str:
    return f"{value:.4g}"
