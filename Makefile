# Kaizen Studio: the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
OUT ?= out

# Debian packages the tests drive for real: the media server, a reference encoder for the
# benchmarks, the browser for the classroom page, fonts, the libraries Qt needs offscreen,
# and those its xcb plugin links (readelf NEEDED of PyQt6's libqxcb.so, libQt6XcbQpa and
# libqxcb-glx-integration, mapped with dpkg -S) to open the real window on X or Xvfb; and
# PostgreSQL, which one channel test starts as a trust's server would use.
DEBIAN_PACKAGES := python3-venv nginx libnginx-mod-rtmp ffmpeg chromium fonts-dejavu-core \
	libportaudio2 libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 xvfb \
	libglib2.0-0 libfreetype6 libx11-6 libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-glx0 \
	libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render0 \
	libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-util1 libxcb-xfixes0 \
	libxcb-xkb1 libxkbcommon-x11-0 \
	espeak-ng postgresql

.PHONY: demo test lint typecheck pytest system-deps benchmarks screenshots clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

demo: $(BIN)/.installed
	$(BIN)/studio demo --output $(OUT)

# Installs the Debian packages the tests need when run as root; otherwise only says which
# are missing (the tests that need them say so too).
system-deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
		echo "Not root: please install these Debian packages:$$missing"; \
	fi

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: $(BIN)/.installed
	$(BIN)/mypy

# Four processes (pytest-xdist), each test sent to the next free one: most of a test's
# time is real time (shows played at their pace, servers started), not the processor's.
pytest: $(BIN)/.installed
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -n 4 --dist worksteal

test: system-deps $(BIN)/.installed lint typecheck pytest

# Pictures of the studio window for the README (Qt offscreen, the demo presenter).
screenshots: $(BIN)/.installed
	$(BIN)/python -m kaizen_studio.studio.app.screenshots docs/screenshots

benchmarks: $(BIN)/.installed
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) $(OUT) .mypy_cache .ruff_cache .pytest_cache
