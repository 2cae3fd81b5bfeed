"""The window's preferences and memory, in one place: typed getters and setters over QSettings.

Stored under the organisation "keras-workbench" (on Linux ``~/.config/keras-workbench/``):
window geometry and state, the main panels' splitters, the last tab, the default device,
the runs folder, the theme, the language, and the recently used data sets, models and runs.

``KERAS_WORKBENCH_SETTINGS=/path/file.ini`` keeps them in that INI file instead (tests, a
portable install). ``Settings.ephemeral()`` keeps them in memory only: a window made by a
test never reads or writes the user's real settings.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QByteArray, QSettings

ORGANISATION = "keras-workbench"
APPLICATION = "Keras Workbench"
ENV_FILE = "KERAS_WORKBENCH_SETTINGS"
#: How many entries each "recent" list keeps (the newest first).
RECENT_LIMIT = 10
RECENT_KINDS = ("data", "models", "runs")
THEMES = ("light", "dark")


def default_runs_folder() -> str:
    """The user's data directory (platformdirs) + "/runs": ``~/.local/share/keras-workbench/runs``,
    the core's default, so the window lists the command line's runs."""
    from workbench.runs.history import default_runs_root

    return default_runs_root()


def push_recent(items: list[str], value: str, limit: int = RECENT_LIMIT) -> list[str]:
    """``value`` first, without its earlier copy (paths compared normalised), at most ``limit``."""
    def same(a: str, b: str) -> bool:
        return os.path.normpath(a) == os.path.normpath(b) if os.sep in a or os.sep in b else a == b

    return [value, *[item for item in items if not same(item, value)]][:limit]


class _MemoryStore:
    """QSettings' three calls, on a dict (the ephemeral settings of a test window)."""

    def __init__(self):
        self.values: dict = {}

    def value(self, key: str, default=None):
        return self.values.get(key, default)

    def setValue(self, key: str, value) -> None:  # noqa: N802 - QSettings' name
        self.values[key] = value

    def remove(self, key: str) -> None:
        self.values.pop(key, None)

    def sync(self) -> None:
        pass

    def fileName(self) -> str:  # noqa: N802
        return ""


class Settings:
    """Typed access to the stored preferences; unknown or damaged values read as the default."""

    def __init__(self, path: str | None = None, store=None):
        if store is not None:
            self.store = store
        else:
            path = path or os.environ.get(ENV_FILE, "")
            self.store = (QSettings(path, QSettings.Format.IniFormat) if path
                          else QSettings(ORGANISATION, APPLICATION))
        #: False for ``ephemeral()``: nothing outlives the window.
        self.persistent = not isinstance(self.store, _MemoryStore)

    @classmethod
    def ephemeral(cls) -> Settings:
        return cls(store=_MemoryStore())

    @property
    def location(self) -> str:
        """The file the settings live in ("" in memory)."""
        return self.store.fileName()

    def sync(self) -> None:
        self.store.sync()

    # -- raw, typed ---------------------------------------------------------------------------
    def _text(self, key: str, default: str = "") -> str:
        value = self.store.value(key, default)
        return value if isinstance(value, str) else default

    def _bytes(self, key: str) -> QByteArray | None:
        value = self.store.value(key)
        if isinstance(value, (bytes, bytearray)):
            value = QByteArray(bytes(value))
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def _list(self, key: str) -> list[str]:
        value = self.store.value(key)
        if isinstance(value, str):  # an INI file gives back a one-element list as the string
            return [value] if value else []
        return [str(item) for item in value] if isinstance(value, (list, tuple)) else []

    # -- window ---------------------------------------------------------------------------------
    def geometry(self) -> QByteArray | None:
        return self._bytes("window/geometry")

    def window_state(self) -> QByteArray | None:
        return self._bytes("window/state")

    def save_window(self, geometry: QByteArray, state: QByteArray) -> None:
        self.store.setValue("window/geometry", geometry)
        self.store.setValue("window/state", state)

    def splitter(self, name: str) -> QByteArray | None:
        return self._bytes(f"splitters/{name}")

    def set_splitter(self, name: str, state: QByteArray) -> None:
        self.store.setValue(f"splitters/{name}", state)

    def last_tab(self) -> str:
        return self._text("window/tab")

    def set_last_tab(self, panel_name: str) -> None:
        self.store.setValue("window/tab", panel_name)

    # -- preferences ------------------------------------------------------------------------
    def device(self) -> str:
        """The device new runs use ("" = the best one found: GPU:0, else CPU:0)."""
        return self._text("preferences/device")

    def set_device(self, device: str) -> None:
        self.store.setValue("preferences/device", device or "")

    def runs_folder(self) -> str:
        """Where new runs go: the user's choice, else ``default_runs_folder()``."""
        return self._text("preferences/runs_folder") or default_runs_folder()

    def set_runs_folder(self, path: str) -> None:
        if path and os.path.normpath(path) != os.path.normpath(default_runs_folder()):
            self.store.setValue("preferences/runs_folder", path)
        else:
            self.store.remove("preferences/runs_folder")  # follows the default if it ever moves

    def theme(self) -> str:
        value = self._text("preferences/theme", "light")
        return value if value in THEMES else "light"

    def set_theme(self, name: str) -> None:
        if name not in THEMES:
            raise ValueError(f"unknown theme {name!r}: one of {', '.join(THEMES)}")
        self.store.setValue("preferences/theme", name)

    def language(self) -> str:
        """The window's language ("en" or "ja"); before a choice, the desktop's (``ui.i18n``)."""
        from ui.i18n import LANGUAGES, system_language

        value = self._text("preferences/language")
        return value if value in LANGUAGES else system_language()

    def set_language(self, code: str) -> None:
        from ui.i18n import LANGUAGES

        if code not in LANGUAGES:
            raise ValueError(f"unknown language {code!r}: one of {', '.join(LANGUAGES)}")
        self.store.setValue("preferences/language", code)

    # -- recent ---------------------------------------------------------------------------------
    def recent(self, kind: str) -> list[str]:
        """The recently used data sets (names or paths), models (catalog names) or runs (folders)."""
        if kind not in RECENT_KINDS:
            raise ValueError(f"unknown recent list {kind!r}")
        return self._list(f"recent/{kind}")[:RECENT_LIMIT]

    def add_recent(self, kind: str, value: str) -> None:
        if value:
            self.store.setValue(f"recent/{kind}", push_recent(self.recent(kind), value))

    def clear_recent(self, kind: str) -> None:
        self.store.remove(f"recent/{kind}")
