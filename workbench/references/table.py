"""The outside reference of each catalog entry that has one, declared once, keyed by entry name.

A table rather than a field on ``Entry``: the references are facts about other libraries
and papers (keras.applications, torchvision, pycocotools, tf-keras-vis, the CartPole
benchmark), gathered here so that one file shows what the workbench is checked against.

``expected`` is the reference's number as published or as the named library version
produced it when the table was written; a check of a library kind recomputes it from the
installed library, so a changed library is seen, not assumed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

#: The kinds of reference, and what a check of each compares.
KINDS = {
    "param_count": "the entry's parameter count at the reference's configuration",
    "tf_keras_vis": "the Grad-CAM map against tf-keras-vis's on a fixed model and image",
    "pycocotools": "the workbench's COCO metrics against pycocotools' COCOeval on a fixed detection set",
    "threshold": "the score of the newest run of the entry against a benchmark's threshold",
}


@dataclass(frozen=True)
class Reference:
    """What an entry is checked against.

    ``source`` names where the expected number comes from: ``"keras.applications"`` (the
    model is instantiated with ``weights=None``: no download), ``"paper"`` or
    ``"torchvision"`` (a printed number), or the library a check runs (``"tf-keras-vis"``,
    ``"pycocotools"``, ``"gymnasium"`` for an environment's benchmark).
    """

    kind: str
    what: str
    source: str
    expected: float | None = None
    #: The catalog hyperparameters the entry is built with for the comparison.
    config: Mapping[str, Any] = field(default_factory=dict)
    #: The input the entry is built for: "imagenet" (224x224x3, 1000 classes) or "cifar10".
    data: str = "imagenet"
    #: keras.applications: the function name and its keyword arguments.
    application: str = ""
    application_args: Mapping[str, Any] = field(default_factory=dict)
    #: "total" (Keras' count_params: BatchNorm statistics included) or "trainable" (what
    #: torchvision and the papers count: moving statistics are buffers, not parameters).
    count: str = "total"
    #: Largest accepted |measured - expected|: 0 for exact; half the last printed digit
    #: for a number a paper prints rounded.
    tolerance: float = 0.0
    #: threshold: the environment the runs must have trained on and the history metric read.
    environment: str = ""
    metric: str = ""
    #: pycocotools: "bbox" or "segm".
    iou_type: str = "bbox"

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"reference kind {self.kind!r} is not one of {', '.join(KINDS)}")

    @property
    def library(self) -> str:
        """The installed distribution whose version the result depends on ("" for a printed number)."""
        return {"keras.applications": "keras", "tf-keras-vis": "tf-keras-vis", "pycocotools": "pycocotools",
                "gymnasium": "gymnasium"}.get(self.source, "")

    @property
    def setting(self) -> str:
        """Where the entry is built for a parameter count ("" for other kinds): the count
        depends on the input and the classes, so the Model tab's layer table, built for the
        loaded data, may show another number."""
        if self.kind != "param_count":
            return ""
        shape, classes = {"imagenet": ("224×224×3", 1000), "cifar10": ("32×32×3", 10)}[self.data]
        chosen = [f"{k}={v}" for k, v in self.config.items()]
        return ", ".join([*chosen, f"{shape} input", f"{classes} classes"])

    def as_dict(self) -> dict:
        return {"kind": self.kind, "what": self.what, "expected": self.expected, "source": self.source,
                "setting": self.setting or None}


def _application(name: str, function: str, total: int, **args) -> tuple[str, Reference]:
    shown = ", ".join([*(f"{k}={v!r}" for k, v in args.items()), "weights=None"])
    return name, Reference("param_count", f"keras.applications.{function}({shown}) parameter count",
                           "keras.applications", total, application=function,
                           application_args=args)


# The totals are what keras 3.15's applications count (trainable + BatchNorm statistics).
_APPLICATIONS = dict([
    _application("vgg16", "VGG16", 138_357_544),
    _application("vgg19", "VGG19", 143_667_240),
    _application("resnet50", "ResNet50", 25_636_712),
    _application("resnet101", "ResNet101", 44_707_176),
    _application("resnet152", "ResNet152", 60_419_944),
    _application("resnet50v2", "ResNet50V2", 25_613_800),
    _application("resnet101v2", "ResNet101V2", 44_675_560),
    _application("resnet152v2", "ResNet152V2", 60_380_648),
    _application("densenet121", "DenseNet121", 8_062_504),
    _application("densenet169", "DenseNet169", 14_307_880),
    _application("densenet201", "DenseNet201", 20_242_984),
    _application("mobilenet", "MobileNet", 4_253_864),
    _application("efficientnetb0", "EfficientNetB0", 5_330_571),
    _application("efficientnetb1", "EfficientNetB1", 7_856_239),
    _application("efficientnetb2", "EfficientNetB2", 9_177_569),
    _application("efficientnetb3", "EfficientNetB3", 12_320_535),
    _application("efficientnetb4", "EfficientNetB4", 19_466_823),
    _application("efficientnetb5", "EfficientNetB5", 30_562_527),
    _application("efficientnetb6", "EfficientNetB6", 43_265_143),
    _application("efficientnetb7", "EfficientNetB7", 66_658_687),
])

_PRINTED = {
    "resnet18": Reference("param_count", "torchvision.models.resnet18() parameter count", "torchvision",
                          11_689_512, count="trainable"),
    "resnet34": Reference("param_count", "torchvision.models.resnet34() parameter count", "torchvision",
                          21_797_672, count="trainable"),
    # "60 million parameters" (Krizhevsky et al. 2012, section 4): a round figure, so within 1 M.
    "alexnet": Reference("param_count", "AlexNet paper, section 4: \"60 million parameters\"", "paper",
                         60_000_000, count="total", tolerance=1_000_000),
    # Table 3 of Zagoruyko & Komodakis prints WRN-28-10 as 36.5M: within half the last digit.
    "wide_resnet": Reference("param_count", "Wide ResNet paper, table 3: WRN-28-10 has 36.5M parameters",
                             "paper", 36_500_000, config={"depth": 28, "width": 10}, data="cifar10",
                             count="trainable", tolerance=50_000),
    # Han et al. 2017, table 4: PyramidNet-110 (alpha=48, basic blocks) 1.7M.
    "pyramidnet": Reference("param_count", "PyramidNet paper, table 4: depth 110, alpha 48 has 1.7M parameters",
                            "paper", 1_700_000, config={"depth": 110, "alpha": 48.0, "bottleneck": False},
                            data="cifar10", count="trainable", tolerance=50_000),
    # Huang et al. 2017, table 2: DenseNet-BC (L=100, k=12) 0.8M.
    "densenet_bc": Reference("param_count", "DenseNet paper, table 2: DenseNet-BC L=100, k=12 has 0.8M parameters",
                             "paper", 800_000, config={"depth": 100, "growth_rate": 12}, data="cifar10",
                             count="trainable", tolerance=50_000),
}

_GRADCAM = {
    "gap_cnn": Reference("tf_keras_vis", "Grad-CAM map (before upsampling) equal to tf_keras_vis.gradcam.Gradcam's "
                         "on a fixed model and image: correlation", "tf-keras-vis", 0.99),
}

#: The detectors are scored by ``workbench.detection.metrics.coco_evaluate``; the check runs
#: it and COCOeval on one fixed synthetic set and compares the twelve summary numbers.
_COCO = {
    name: Reference("pycocotools", f"COCO {'mask' if iou == 'segm' else 'box'} AP@[.5:.95] and the other 11 "
                    "COCOeval summary numbers, on a fixed synthetic detection set", "pycocotools",
                    iou_type=iou)
    for name, iou in [("yolo_v1", "bbox"), ("ssd", "bbox"), ("retinanet", "bbox"), ("fcos", "bbox"),
                      ("rcnn", "bbox"), ("fast_rcnn", "bbox"), ("faster_rcnn", "bbox"), ("mask_rcnn", "segm")]
}

#: CartPole-v1 counts as solved at a mean return of 475 over 100 episodes (gymnasium's
#: reward_threshold); benchmarks/cartpole.py measures the agents against it.
_CARTPOLE = {
    name: Reference("threshold", f"CartPole-v1 solved: {shown} >= 475 (gymnasium's reward_threshold)",
                    "gymnasium", 475.0, environment="CartPole-v1", metric=metric)
    for name, metric, shown in [
        ("dqn", "greedy_return", "greedy mean return"), ("a2c", "greedy_return", "greedy mean return"),
        ("a3c", "greedy_return", "greedy mean return"), ("actor_critic", "greedy_return", "greedy mean return"),
        # REINFORCE's loop plays no greedy episodes: its epoch's mean return (sampled actions)
        ("reinforce", "return", "mean return of the epoch's episodes"),
    ]
}

REFERENCES: dict[str, Reference] = {**_APPLICATIONS, **_PRINTED, **_GRADCAM, **_COCO, **_CARTPOLE}
