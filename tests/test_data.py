import numpy as np
import pytest

from workbench import data
from workbench.data.images import fit_image, read_image
from workbench.errors import WorkbenchError


def write_image(path, array):
    import cv2

    path.parent.mkdir(parents=True, exist_ok=True)
    assert cv2.imwrite(str(path), array)


@pytest.fixture
def image_folder(tmp_path):
    """Two classes; gray, RGB and RGBA files; one corrupt file and one text file."""
    rng = np.random.default_rng(0)
    root = tmp_path / "pets"
    for i in range(4):
        write_image(root / "cat" / f"gray{i}.png", rng.integers(0, 255, (20, 30), np.uint8))
        write_image(root / "dog" / f"rgb{i}.jpg", rng.integers(0, 255, (40, 24, 3), np.uint8))
    write_image(root / "dog" / "alpha.png", np.dstack([np.zeros((10, 10, 3), np.uint8),
                                                        np.zeros((10, 10), np.uint8)]))
    (root / "cat" / "broken.png").write_bytes(b"\x89PNG not really")
    (root / "cat" / "notes.txt").write_text("ignored: not an image suffix")
    return root


def test_digits_are_embedded_and_split_stratified():
    d = data.load("digits", seed=1, val_fraction=0.25)
    assert d.info.input_shape == (8, 8, 1) and d.info.num_classes == 10
    assert len(d.x_train) + len(d.x_val) == 1797
    assert 0.0 <= d.x_train.min() and d.x_train.max() <= 1.0
    val_share = np.bincount(d.y_val, minlength=10) / np.bincount(np.concatenate([d.y_train, d.y_val]))
    assert np.all(np.abs(val_share - 0.25) < 0.02)
    assert sum(d.class_counts().values()) == 1797


def test_split_is_repeatable_by_seed():
    a, b = data.load("iris", seed=3), data.load("iris", seed=3)
    assert np.array_equal(a.y_train, b.y_train)
    assert not np.array_equal(a.y_train, data.load("iris", seed=4).y_train)


def test_iris_is_standardised_with_training_statistics():
    d = data.load("iris")
    assert d.info.feature_names[0] == "sepal length (cm)"
    assert np.allclose(d.x_train.mean(axis=0), 0, atol=1e-5)
    assert np.allclose(d.x_train.std(axis=0), 1, atol=1e-4)
    assert len(d.scaler["mean"]) == 4


def test_folder_normalises_channels_and_skips_corrupt_files(image_folder):
    d = data.load(str(image_folder), {"image_size": 16}, val_fraction=0.25)
    assert d.info.class_names == ("cat", "dog")
    assert d.info.input_shape == (16, 16, 3)  # gray and RGB mixed -> RGB
    assert len(d.x_train) + len(d.x_val) == 9
    assert len(d.skipped) == 1 and "broken.png" in d.skipped[0]
    assert d.class_counts() == {"cat": 4, "dog": 5}


def test_rgba_is_composited_on_white(image_folder):
    image = read_image(str(image_folder / "dog" / "alpha.png"))
    assert image.shape == (10, 10, 3) and np.allclose(image, 1.0)  # fully transparent black -> white


def test_fit_image_converts_channels():
    rgb = np.zeros((4, 4, 3), np.float32)
    rgb[..., 0] = 1.0
    gray = fit_image(rgb, (2, 2, 1))
    assert gray.shape == (2, 2, 1) and np.allclose(gray, 0.299)
    assert fit_image(gray, (2, 2, 3)).shape == (2, 2, 3)


def test_bad_folders_get_clear_messages(tmp_path):
    with pytest.raises(WorkbenchError, match="no class sub-folders"):
        data.load(str(tmp_path))
    (tmp_path / "a").mkdir()
    with pytest.raises(WorkbenchError, match="no .jpg/.png/.bmp files"):
        data.load(str(tmp_path))
    (tmp_path / "a" / "x.png").write_bytes(b"garbage")
    with pytest.raises(WorkbenchError, match=r"no readable images .*1 file\(s\) skipped"):
        data.load(str(tmp_path))


def test_not_an_image(tmp_path):
    fake = tmp_path / "photo.png"
    fake.write_text("this is text")
    with pytest.raises(WorkbenchError, match="not a readable image"):
        read_image(str(fake))
    with pytest.raises(WorkbenchError, match="image file not found"):
        read_image(str(tmp_path / "missing.png"))


def test_csv_with_chosen_target(tmp_path):
    path = tmp_path / "plants.csv"
    path.write_text("species,height,width\n" + "\n".join(
        f"{'tall' if i % 2 else 'short'},{10 + i % 2 * 5 + i * 0.01},{i % 3}" for i in range(40)))
    d = data.load(str(path), {"target": "species"})
    assert d.info.task == "classification" and d.info.class_names == ("short", "tall")
    assert d.info.feature_names == ("height", "width") and d.info.input_shape == (2,)


def test_csv_numeric_target_becomes_regression(tmp_path):
    path = tmp_path / "houses.csv"
    path.write_text("rooms,price\n" + "\n".join(f"{i % 5},{100.5 + i * 3.7}" for i in range(30)))
    d = data.load(str(path))
    assert d.info.task == "regression" and d.y_train.dtype == np.float32


def test_csv_text_in_a_feature_column_is_named(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("a,b,label\n1,2,x\n3,oops,y\n5,6,x\n")
    with pytest.raises(WorkbenchError, match=r"feature column 'b' has text \('oops' on line 3\)"):
        data.load(str(path))


def test_csv_unknown_target_and_missing_file(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,2\n3,4\n")
    with pytest.raises(WorkbenchError, match="has no column 'c'"):
        data.load(str(path), {"target": "c"})
    with pytest.raises(WorkbenchError, match="CSV file not found"):
        data.load(str(tmp_path / "none.csv"))


def test_unknown_dataset_name():
    with pytest.raises(WorkbenchError, match="unknown dataset 'digts'.*did you mean digits"):
        data.load("digts")


def test_keras_dataset_offline_gives_one_clear_sentence(monkeypatch):
    import keras

    def offline(*args, **kwargs):
        raise OSError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(keras.datasets.mnist, "load_data", offline)
    with pytest.raises(WorkbenchError, match=r"could not download mnist .* cached in ~/.keras/datasets"):
        data.load("mnist")


def test_keras_dataset_is_shaped_like_the_embedded_ones(monkeypatch):
    import keras

    rng = np.random.default_rng(0)
    fake = ((rng.integers(0, 256, (50, 28, 28), np.uint8), rng.integers(0, 10, 50)),
            (rng.integers(0, 256, (10, 28, 28), np.uint8), rng.integers(0, 10, 10)))
    monkeypatch.setattr(keras.datasets.fashion_mnist, "load_data", lambda: fake)
    d = data.load("fashion_mnist", {"limit": 40})
    assert d.info.input_shape == (28, 28, 1) and d.info.class_names[0] == "T-shirt/top"
    assert len(d.x_train) + len(d.x_val) == 40 and d.x_train.max() <= 1.0
