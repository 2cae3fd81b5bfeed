"""A PixelCNN prior over a VQ-VAE's code maps (van den Oord et al., 2017, section 3.3).

A VQ-VAE is trained with a uniform prior over its K codes; to generate, a PixelCNN is fitted
afterwards to the code maps its encoder gives the training images (an h x w grid of integers
in [0, K)), sampled code by code, and the sampled maps are decoded by the VQ-VAE's decoder.
This module reads a finished ``vq_vae`` run (its ``encoder``, ``codebook`` and ``decoder``
networks) for the ``pixelcnn`` entry's ``prior_for=RUN_DIR`` option.
"""

from __future__ import annotations

import os

import numpy as np

from workbench.errors import WorkbenchError


def _vq_run(run_dir: str) -> str:
    from workbench.models.generative.sampling import run_entry_name

    run_dir = os.path.abspath(os.path.expanduser(run_dir))
    try:
        entry = run_entry_name(run_dir)
    except WorkbenchError as error:
        raise WorkbenchError(f"prior_for={run_dir}: {error}") from None
    if entry != "vq_vae":
        raise WorkbenchError(f"prior_for={run_dir} is a run of {entry}; a PixelCNN prior needs a vq_vae run")
    return run_dir


def vq_networks(run_dir: str) -> dict:
    """The run's ``encoder``, ``quantizer`` (the codebook layer) and ``decoder``."""
    from workbench.models.generative import sampling, vq_vae  # noqa: F401 - registers VQ-VAE classes

    run_dir = _vq_run(run_dir)
    codebook = sampling.load_network(run_dir, "codebook")
    return {"encoder": sampling.load_network(run_dir, "encoder"), "quantizer": codebook.get_layer("quantizer"),
            "decoder": sampling.load_network(run_dir, "decoder"),
            "grid": tuple(int(d) for d in codebook.inputs[0].shape[1:3])}


def build_prior(hp: dict):
    """A PixelCNN whose "pixels" are the run's codes: K levels on its h x w code grid."""
    from workbench.models.generative.pixelcnn import PixelCNN, odd

    nets = vq_networks(hp["prior_for"])
    model = PixelCNN(levels=nets["quantizer"].codebook_size, map_shape=nets["grid"], filters=hp["filters"],
                     residual_blocks=hp["residual_blocks"], first_kernel=odd(hp["first_kernel"]),
                     name="pixelcnn_prior")
    model.build()
    return model


def code_maps(run_dir: str, dataset) -> tuple[np.ndarray, np.ndarray | None]:
    """The code maps of the dataset's training and validation images under the run's encoder."""
    nets = vq_networks(run_dir)
    expected = tuple(int(d) for d in nets["encoder"].inputs[0].shape[1:])
    if tuple(dataset.info.input_shape) != expected:
        raise WorkbenchError(f"prior_for={run_dir}: its VQ-VAE encodes images of shape {expected}, but "
                             f"{dataset.info.name} has {tuple(dataset.info.input_shape)}; train the prior "
                             "on the data the VQ-VAE was trained on")
    encode = lambda x: codes_of(nets, x)  # noqa: E731
    x_val = getattr(dataset, "x_val", None)
    return encode(dataset.x_train), (encode(x_val) if x_val is not None and len(x_val) else None)


def codes_of(nets: dict, x, batch: int = 256) -> np.ndarray:
    rows = [np.asarray(nets["quantizer"].codes(nets["encoder"](np.asarray(x[i:i + batch], np.float32))))
            for i in range(0, len(x), batch)]
    return np.concatenate(rows).astype(np.int32)


def decoder_of(run_dir: str):
    """``render(code_maps) -> images``: each code replaced by its embedding, then decoded."""
    from workbench.models.generative.autoencoder import predict

    nets = vq_networks(run_dir)

    def render(maps):
        z_q = np.asarray(nets["quantizer"].lookup(np.asarray(maps, np.int32)), np.float32)
        return predict(nets["decoder"], z_q)

    return render
