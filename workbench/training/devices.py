"""Which device a run uses: TensorFlow's list, and a readable name for each."""

from __future__ import annotations

from workbench.errors import WorkbenchError


def list_devices() -> list[dict]:
    """``[{"id": "CPU:0", "name": "CPU"}, {"id": "GPU:0", "name": "NVIDIA H100 ..."}]``."""
    import tensorflow as tf

    devices = []
    for kind in ("CPU", "GPU"):
        for index, device in enumerate(tf.config.list_physical_devices(kind)):
            name = kind
            if kind == "GPU":
                details = tf.config.experimental.get_device_details(device)
                name = details.get("device_name", f"GPU {index}")
            devices.append({"id": f"{kind}:{index}", "name": name})
    return devices


def default_device() -> str:
    ids = [d["id"] for d in list_devices()]
    return "GPU:0" if "GPU:0" in ids else "CPU:0"


def resolve(device: str) -> str:
    """Check a user's device choice ("" means the default) and return its id."""
    if not device:
        return default_device()
    wanted = device.upper().replace("/DEVICE:", "").lstrip("/")
    ids = [d["id"] for d in list_devices()]
    if wanted not in ids:
        raise WorkbenchError(f"device {device!r} is not available; this machine has {', '.join(ids)}")
    return wanted


def describe(device_id: str) -> str:
    for d in list_devices():
        if d["id"] == device_id:
            return d["id"] if d["name"] in ("CPU", "GPU") else f"{d['id']} ({d['name']})"
    return device_id
