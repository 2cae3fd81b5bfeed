# Quick start: `make run` opens the workbench, `make test` runs the whole suite headless.
# Both create .venv and install the project into it on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PYTEST_ARGS ?= -q
# Test files are spread over this many processes (pytest-xdist; a file's tests stay together,
# so a module's fixtures are built once). 2 fits a 2-core machine: TensorFlow's own threads
# leave a third process nothing to gain.
PYTEST_WORKERS ?= 2

.PHONY: install run test test-x11 bench clean constraints package translations

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]" -c constraints.txt
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/keras-workbench

test: $(STAMP)
	$(BIN)/lint-imports --no-cache  # the core never imports Qt (the contract in pyproject.toml)
	QT_QPA_PLATFORM=offscreen TF_CPP_MIN_LOG_LEVEL=3 $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# The GUI tests (every test using a QApplication, marked `gui`) once more in a real X server:
# a private Xvfb and Qt's X11 platform, which draw as a desktop does. Each tab's screenshot is
# written to artifacts/screenshots/. Needs Xvfb (Debian/Ubuntu: apt-get install xvfb).
test-x11: $(STAMP)
	WORKBENCH_SCREENSHOT_DIR=artifacts/screenshots TF_CPP_MIN_LOG_LEVEL=3 $(BIN)/python tests/run_x11.py \
	  -m gui -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# A one-folder desktop bundle (PyInstaller): dist/keras-workbench/keras-workbench-gui with the
# .desktop file and the icon beside it, built in build/; then started headless to check it.
# Takes about 10 minutes and 2.5 GB of disk (the bundle is 2.2 GB: TensorFlow is 1.4 GB of it).
package: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[package]" -c constraints.txt
	$(BIN)/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
	  packaging/keras_workbench.spec
	$(BIN)/python packaging/check_bundle.py dist/keras-workbench

# The window's Japanese: extract the marked strings of ui/ into resources/i18n/workbench_ja.ts
# (translations kept) and compile workbench_ja.qm; then translate what `check` lists.
translations: $(STAMP)
	$(BIN)/python packaging/translations.py update
	$(BIN)/python packaging/translations.py release

bench: $(STAMP)
	@for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python $$script --quick || exit 1; done

# The versions the suite last passed with (`make install` installs exactly these); run after
# upgrading a package on purpose. PySide6's pin differs by Python version (pyproject.toml),
# so its lines carry the marker of the version frozen here.
constraints:
	@echo "# pip constraints: the versions the test suite passed with (make constraints)" > constraints.txt
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^#' \
	  | sed -E "s/^((PySide6|PySide6_Addons|PySide6_Essentials|shiboken6)==.*)$$/\1; python_version < '3.12'/" >> constraints.txt

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
