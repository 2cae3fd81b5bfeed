"""explain_folder: overlays for a folder, skipped files counted, cancel honoured."""

import os

import numpy as np

from workbench.data.images import read_image, write_png
from workbench.xai.batch import explain_folder


def make_folder(root, square_data, good: int = 3):
    images, _ = square_data
    folder = root / "images"
    (folder / "sub").mkdir(parents=True)
    for i in range(good):
        target = folder / ("sub" if i == 0 else "") / f"img{i}.png"
        write_png(str(target), (images[i] * 255).astype(np.uint8))
    (folder / "broken.png").write_bytes(b"\x89PNG not really an image")
    (folder / "notes.txt").write_text("not an image at all")
    return folder


def test_explain_folder_writes_and_counts(tmp_path, trained_cnn, square_data):
    folder = make_folder(tmp_path, square_data)
    out = tmp_path / "out"
    seen = []
    summary = explain_folder(trained_cnn, str(folder), "gradcam", str(out), (16, 16, 3),
                             progress=lambda done, total: seen.append((done, total)))
    assert (summary["total"], summary["written"], summary["skipped"]) == (4, 3, 1)
    assert "broken.png" in summary["skipped_files"][0]
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)] and summary["cancelled"] is False
    assert os.path.isfile(out / "sub" / "img0_gradcam.png")
    written = read_image(str(out / "img1_gradcam.png"))
    assert written.shape == (16, 16, 3)
    assert os.path.isfile(out / "summary.json")
    assert not [name for name in os.listdir(out) if name.startswith(".tmp")]  # atomic writes left nothing


def test_explain_folder_cancels_between_images(tmp_path, trained_cnn, square_data):
    folder = make_folder(tmp_path, square_data, good=3)
    out = tmp_path / "out"
    seen = []
    summary = explain_folder(trained_cnn, str(folder), "saliency", str(out), (16, 16, 3),
                             progress=lambda done, total: seen.append(done),
                             should_stop=lambda: len(seen) >= 2)
    assert summary["cancelled"] is True and seen == [1, 2]
    assert summary["written"] + summary["skipped"] == 2
    assert len(summary["outputs"]) == summary["written"]


def test_explain_folder_rejects_unknown_method(tmp_path, trained_cnn):
    import pytest

    from workbench.errors import WorkbenchError

    with pytest.raises(WorkbenchError, match="unknown explanation method"):
        explain_folder(trained_cnn, str(tmp_path), "magic", str(tmp_path / "o"), (16, 16, 3))
