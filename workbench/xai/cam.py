"""CAM: class activation mapping.

Zhou et al., "Learning Deep Features for Discriminative Localization", CVPR 2016.
Only for networks whose last feature maps ``A^k`` are global-average-pooled straight
into the output layer: the class score is ``sum_k W[k, c] mean(A^k) + b_c``, so the map
``sum_k W[k, c] A^k`` shows where each location adds to that score. Any other head
(Flatten, hidden dense layers) breaks the identity; then use Grad-CAM.
"""

from __future__ import annotations

import numpy as np

from workbench.errors import WorkbenchError
from workbench.xai.common import MapResult, cam_result, inbound_layers, model_scores, skip_identity_back


def cam_head(model):
    """``(feature_layer_name, dense_layer)`` for a GAP + dense head, else WorkbenchError(why)."""
    last = model.layers[-1] if model.layers else None
    if type(last).__name__ != "Dense":
        name = type(last).__name__ if last is not None else "nothing"
        raise WorkbenchError(f"CAM needs a model that ends in a Dense output layer; this one ends in "
                             f"{name}. Use Grad-CAM instead.")
    parents = inbound_layers(last)
    pooled = skip_identity_back(parents[0]) if len(parents) == 1 else None
    kind = type(pooled).__name__
    if kind == "Flatten":
        raise WorkbenchError(f"CAM needs global average pooling right before the output layer; this "
                             f"model flattens its feature maps ({pooled.name!r}), so a location's "
                             "weight depends on where it is. Use Grad-CAM instead.")
    if kind == "Dense":
        raise WorkbenchError(f"CAM needs global average pooling right before the output layer; this "
                             f"model has a hidden Dense layer ({pooled.name!r}) in between. "
                             "Use Grad-CAM instead.")
    if kind != "GlobalAveragePooling2D":
        raise WorkbenchError(f"CAM needs global average pooling right before the output layer; this "
                             f"model has {kind} ({getattr(pooled, 'name', '?')!r}) there. Use Grad-CAM instead.")
    feature = inbound_layers(pooled)
    if len(feature) != 1 or feature[0] not in model.layers:
        raise WorkbenchError("CAM needs the pooled feature maps to come from a layer of this model; "
                             "they come from inside a nested model. Use Grad-CAM instead.")
    return feature[0].name, last


def class_activation_map(model, image: np.ndarray, class_index: int) -> MapResult:
    """CAM of ``class_index``; the feature layer is the one feeding the global pooling."""
    layer, dense = cam_head(model)
    forward = model_scores(model, (layer,))
    (features,), _, _ = forward(image[None].astype(np.float32))
    weights = np.asarray(dense.kernel)[:, class_index]
    cam = np.asarray(features[0]) @ weights
    return cam_result(cam, image.shape[:2], layer=layer)
