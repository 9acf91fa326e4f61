# Two commands for users: `make run` and `make test`. Everything installs what it needs first.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= 2
PY := /usr/bin/python3

.PHONY: all setup configure build build-all run test unit-test py-test bench format tidy clean

all: build

setup:
	@scripts/setup.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DCMAKE_EXPORT_COMPILE_COMMANDS=ON

configure: setup $(BUILD_DIR)/build.ninja

# The server binary only: build/meridian.
build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS) --target meridian

# The server and every test binary.
build-all: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

# Starts every region of config/meridian.toml in the foreground; Ctrl-C stops it.
run: build
	$(BUILD_DIR)/meridian up --config config/meridian.toml --data-dir ./data

unit-test: build-all
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

py-test: build
	$(PY) -m pytest -q tests/integration tests/differential tests/crash

test: unit-test py-test

bench: build
	$(PY) bench/run_bench.py

format:
	clang-format -i $$(git ls-files '*.cc' '*.h')

tidy: configure
	clang-tidy -p $(BUILD_DIR) $$(git ls-files 'src/*.cc')

clean:
	rm -rf $(BUILD_DIR)
