"""TensorBoard event files for every run: the epoch scalars of ``history.json``.

    RUN_DIR/tensorboard/train/events.out.tfevents.*        loss, accuracy, ... (``epoch_loss``)
    RUN_DIR/tensorboard/validation/events.out.tfevents.*   val_loss, ... (``epoch_loss``)

The layout is Keras's ``TensorBoard`` callback's (one folder per split, tags ``epoch_*``),
so TensorBoard overlays a run's training and validation curves, and
``tensorboard --logdir RUNS_FOLDER`` lists every run. The step is the epoch number as
``history.json`` counts it (1, 2, ...), and the values are its numbers rounded to float32:
TensorBoard's default (Rust) loader shows float32 scalars and silently drops doubles.

Written at the one place every trainer's epoch ends (``TrainingContext.record_epoch``):
``fit`` runs and entries with their own loops (RL, GAN, ...) alike. The records are
``Event`` protocol buffers in TFRecord files (TensorFlow's own writer, no TensorBoard
needed to write them), a few hundred bytes per epoch, flushed at once.

A resumed run replays the epochs after its resume point: the files first lose every
scalar past that point (rewritten in place, wall times kept), so no epoch is ever there
twice, for TensorBoard or for any other reader.
"""

from __future__ import annotations

import glob
import os
import socket
import time

#: The folder in a run directory that holds the event files.
TB_DIR = "tensorboard"
TRAIN, VALIDATION = "train", "validation"
#: What TensorBoard reads as a scalar summary (its scalars plugin, data class "scalar").
PLUGIN = "scalars"


def split_of(key: str) -> tuple[str, str]:
    """``history.json``'s key -> (split folder, tag): ``val_loss`` -> (validation, epoch_loss)."""
    if key.startswith("val_"):
        return VALIDATION, f"epoch_{key[4:]}"
    return TRAIN, f"epoch_{key}"


def key_of(split: str, tag: str) -> str:
    """The inverse of ``split_of``."""
    name = tag[len("epoch_"):] if tag.startswith("epoch_") else tag
    return f"val_{name}" if split == VALIDATION else name


class EpochScalars:
    """One run's event writers, opened on the first epoch written.

    ``epochs_done`` is where the run starts (0 for a new run, the resume point's epoch
    count on resume): scalars already on disk for later epochs are dropped first.
    """

    def __init__(self, run_path: str, epochs_done: int = 0):
        self.folder = os.path.join(run_path, TB_DIR)
        self._writers: dict = {}
        truncate(self.folder, epochs_done)

    def write(self, epoch: int, logs: dict) -> None:
        """The scalars of ``epoch`` (counted from 0, as Keras does) at step ``epoch + 1``."""
        from tensorflow.core.util import event_pb2

        by_split: dict[str, object] = {}
        now = time.time()
        for key, value in logs.items():
            split, tag = split_of(key)
            event = by_split.setdefault(split, event_pb2.Event(wall_time=now, step=epoch + 1))
            event.summary.value.add(tag=tag, tensor=_float32(float(value)), metadata=_metadata())
        for split, event in by_split.items():
            writer = self._writer(split)
            writer.write(event.SerializeToString())
            writer.flush()  # TensorBoard watching the folder sees the epoch at once

    def _writer(self, split: str):
        writer = self._writers.get(split)
        if writer is None:
            import tensorflow as tf
            from tensorflow.core.util import event_pb2

            folder = os.path.join(self.folder, split)
            os.makedirs(folder, exist_ok=True)
            # the time stamp first: TensorBoard reads a folder's files in name order
            name = f"events.out.tfevents.{int(time.time()):010d}.{socket.gethostname()}.{os.getpid()}.v2"
            path = os.path.join(folder, name)
            suffix = 1
            while os.path.exists(path):  # a resume within the same second
                suffix += 1
                path = os.path.join(folder, f"{name}.{suffix}")
            writer = tf.io.TFRecordWriter(path)
            writer.write(event_pb2.Event(wall_time=time.time(), file_version="brain.Event:2").SerializeToString())
            self._writers[split] = writer
        return writer

    def close(self) -> None:
        writers, self._writers = self._writers, {}
        for writer in writers.values():
            writer.close()


def _float32(value: float):
    """A scalar tensor as ``tf.summary.scalar`` writes it (DT_FLOAT, shape [])."""
    from tensorflow.core.framework import tensor_pb2, tensor_shape_pb2, types_pb2

    return tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT, float_val=[value],
                                  tensor_shape=tensor_shape_pb2.TensorShapeProto())


def _metadata():
    from tensorflow.core.framework import summary_pb2

    return summary_pb2.SummaryMetadata(plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name=PLUGIN),
                                       data_class=summary_pb2.DATA_CLASS_SCALAR)


def event_files(folder: str) -> list[str]:
    """The event files under a run's ``tensorboard`` folder, in the order TensorBoard reads them."""
    return sorted(glob.glob(os.path.join(folder, "*", "*tfevents*")))


def read_events(path: str) -> list:
    """The ``Event`` records of one file; a record cut short by a kill ends the list."""
    import tensorflow as tf
    from tensorflow.core.util import event_pb2

    events = []
    try:
        for record in tf.data.TFRecordDataset(path):
            events.append(event_pb2.Event.FromString(record.numpy()))
    except tf.errors.DataLossError:  # the last record was being written when the process died
        pass
    return events


def truncate(folder: str, epochs_done: int) -> None:
    """Drop the scalars of epochs after ``epochs_done`` from every event file in ``folder``
    (each file rewritten under a temporary name, then moved over itself)."""
    from workbench.runs.atomic import atomic_path

    for path in event_files(folder):
        events = read_events(path)
        kept = [event for event in events if not event.HasField("summary") or event.step <= epochs_done]
        if len(kept) == len(events) and os.path.getsize(path) == _size(events):
            continue
        if not any(event.HasField("summary") for event in kept):
            os.unlink(path)  # nothing of it survives the resume point
            continue
        import tensorflow as tf

        with atomic_path(path) as tmp:
            with tf.io.TFRecordWriter(tmp) as writer:
                for event in kept:
                    writer.write(event.SerializeToString())


def _size(events: list) -> int:
    """The bytes a TFRecord file of these events takes: 8 (length) + 4 + data + 4 each."""
    return sum(16 + event.ByteSize() for event in events)


def read_scalars(run_path: str) -> dict[str, list[tuple[int, float]]]:
    """``{history key: [(step, value), ...]}`` as the run's event files hold them, in file order."""
    import tensorflow as tf

    scalars: dict[str, list] = {}
    for path in event_files(os.path.join(run_path, TB_DIR)):
        split = os.path.basename(os.path.dirname(path))
        for event in read_events(path):
            for value in event.summary.value:
                number = (tf.make_ndarray(value.tensor).item() if value.HasField("tensor")
                          else float(value.simple_value))
                scalars.setdefault(key_of(split, value.tag), []).append((int(event.step), number))
    return scalars
