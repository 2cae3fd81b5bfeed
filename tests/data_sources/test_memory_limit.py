"""A class folder bigger than the memory a process may take still trains when streamed.

A child process trains once without a limit (TensorFlow's threads, allocator arenas and
the model's graph are then in place), reads its own peak address-space size, and sets
``RLIMIT_AS`` to that plus 400 MB. Under that limit a second streamed run trains an epoch,
while loading the same folder into memory (500 images at 256 x 256: 393 MB of float32,
and the loader holds them twice while stacking) fails: the limit bites. ``RLIMIT_AS``
works here because it is set after TensorFlow has made its large virtual reservations
(set before, TensorFlow could not even start), and because glibc is held to two malloc
arenas: each new tf.data thread would otherwise reserve 64 MB of address space.
"""

import json
import os
import subprocess
import sys
import textwrap

import cv2
import numpy as np

CHILD = textwrap.dedent("""
    import json, resource, sys
    from workbench.training import TrainConfig, job

    def config(out, stream):
        return TrainConfig("lenet", sys.argv[1], out=out, epochs=1, steps_per_epoch=2, batch_size=8, seed=0,
                           val_split=0.05, eager=True, data_options={"stream": stream, "image_size": 256})

    def peak():
        for line in open("/proc/self/status"):
            if line.startswith("VmPeak:"):
                return int(line.split()[1]) * 1024

    job.run_training(config(sys.argv[2] + "/warm", "yes"))
    limit = peak() + 400 * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    result = {"limit": limit}
    streamed = job.run_training(config(sys.argv[2] + "/streamed", "yes"))
    result["streamed_epochs"] = streamed.history["epoch"]
    try:
        job.run_training(config(sys.argv[2] + "/memory", "no"))
        result["memory"] = "trained"
    except (MemoryError, Exception) as error:  # numpy's MemoryError, or OpenCV's out-of-memory error
        result["memory"] = type(error).__name__ + ": " + str(error)[:200]
    print(json.dumps(result))
""")


def test_a_folder_bigger_than_the_memory_limit_trains_streamed(tmp_path):
    rng = np.random.default_rng(0)
    for label in range(2):
        os.makedirs(tmp_path / "folder" / f"c{label}")
        for i in range(250):  # small files, large arrays: upsampled to 256 px on loading
            image = np.clip(rng.normal(80 + 100 * label, 30, (16, 16, 3)), 0, 255).astype(np.uint8)
            cv2.imwrite(str(tmp_path / "folder" / f"c{label}" / f"{i:03d}.jpg"), image)
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": "", "MALLOC_ARENA_MAX": "2"}
    done = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / "folder"), str(tmp_path)],
                          capture_output=True, text=True, env=env, timeout=120, check=False,
                          cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["streamed_epochs"] == [1]
    assert result["memory"] != "trained" and "memory" in result["memory"].lower(), result
