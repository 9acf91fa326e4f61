# Two commands for users: `make run` and `make test`. Everything installs what it needs first.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= 2
PY := /usr/bin/python3

.PHONY: all setup configure build build-all run test layers unit-test py-test fuzz sanitize-test bench format tidy clean

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

# libFuzzer on the GeoDNS query parser (clang, ASan + UBSan), for a bounded
# time, starting from fuzz/corpus; a crash fails the run and leaves its input
# in build/fuzz/.
FUZZ_SECONDS ?= 30
fuzz: setup
	mkdir -p $(BUILD_DIR)/fuzz/corpus
	clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	  -Isrc fuzz/dns_query_fuzzer.cc src/dns/dns_packet.cc src/core/dns/client_location.cc \
	  $$(pkg-config --cflags --libs ldns) -o $(BUILD_DIR)/fuzz/dns_query_fuzzer
	cd $(BUILD_DIR)/fuzz && ./dns_query_fuzzer -max_total_time=$(FUZZ_SECONDS) \
	  -artifact_prefix=$(CURDIR)/$(BUILD_DIR)/fuzz/ corpus $(CURDIR)/fuzz/corpus

test: layers unit-test py-test fuzz

# Layers only point down: every #include in src/ against docs/layers.txt.
layers:
	$(PY) tools/check_layers.py

# Every test again on an AddressSanitizer + UndefinedBehaviorSanitizer build
# (not part of `make test`: it doubles the build time).
sanitize-test: setup
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug \
	  -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer"
	cmake --build build-asan -j $(JOBS)
	cd build-asan && UBSAN_OPTIONS=halt_on_error=1 ctest --output-on-failure -j $(JOBS)
	MERIDIAN_BIN=$(CURDIR)/build-asan/meridian ASAN_OPTIONS=detect_leaks=0 \
	  UBSAN_OPTIONS=halt_on_error=1 $(PY) -m pytest -q tests/integration tests/differential tests/crash

bench: build
	$(PY) bench/run_bench.py
	$(PY) bench/latency_bench.py
	$(PY) bench/dr_bench.py
	$(PY) bench/geo_bench.py
	$(PY) bench/dns_bench.py
	$(PY) bench/delta_bench.py
	$(PY) bench/list_bench.py
	$(PY) bench/zset_bench.py

format:
	clang-format -i $$(git ls-files '*.cc' '*.h')

tidy: configure
	clang-tidy -p $(BUILD_DIR) $$(git ls-files 'src/*.cc')

clean:
	rm -rf $(BUILD_DIR)
