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

# libFuzzer (clang, ASan + UBSan), each target for a bounded time starting
# from its corpus in fuzz/: the GeoDNS query parser, the client request
# parser, the peer frame decoder and handshake, and the TLS that wraps
# links and clients (with certificates made here by openssl). A crash fails
# the run and leaves its input in build/fuzz/.
FUZZ_SECONDS ?= 30
FUZZ_CXX := clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Isrc
FUZZ_RUN = cd $(BUILD_DIR)/fuzz && mkdir -p $(1)-corpus && ./$(1)_fuzzer -max_total_time=$(FUZZ_SECONDS) \
	  -artifact_prefix=$(CURDIR)/$(BUILD_DIR)/fuzz/ $(1)-corpus $(2)
PEER_SRC := src/core/peer/frame.cc src/core/peer/link_handshake.cc src/core/peer/peer_auth.cc
fuzz: setup
	mkdir -p $(BUILD_DIR)/fuzz/certs
	$(FUZZ_CXX) fuzz/dns_query_fuzzer.cc src/dns/dns_packet.cc src/core/dns/client_location.cc \
	  $$(pkg-config --cflags --libs ldns) -o $(BUILD_DIR)/fuzz/dns_query_fuzzer
	$(FUZZ_CXX) fuzz/resp_parser_fuzzer.cc src/core/protocol/request_parser.cc \
	  src/core/base/numbers.cc -o $(BUILD_DIR)/fuzz/resp_parser_fuzzer
	$(FUZZ_CXX) fuzz/peer_frame_fuzzer.cc $(PEER_SRC) -lcrypto -lzstd -lxxhash \
	  -o $(BUILD_DIR)/fuzz/peer_frame_fuzzer
	$(FUZZ_CXX) -DASIO_STANDALONE fuzz/peer_tls_fuzzer.cc src/runtime/real/tls_context.cc \
	  $(PEER_SRC) -lssl -lcrypto -lzstd -lxxhash -o $(BUILD_DIR)/fuzz/peer_tls_fuzzer
	cd $(BUILD_DIR)/fuzz/certs && test -f server.crt || ( \
	  openssl req -x509 -new -nodes -newkey rsa:2048 -keyout ca.key -out ca.crt -days 3650 -subj "/CN=fuzz CA" && \
	  openssl req -new -nodes -newkey rsa:2048 -keyout server.key -out server.csr -subj "/CN=fuzz" && \
	  openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 3650 ) 2>/dev/null
	$(call FUZZ_RUN,dns_query,$(CURDIR)/fuzz/corpus-dns)
	$(call FUZZ_RUN,resp_parser,$(CURDIR)/fuzz/corpus-resp)
	$(call FUZZ_RUN,peer_frame,)
	export MERIDIAN_FUZZ_CERT_DIR=$(CURDIR)/$(BUILD_DIR)/fuzz/certs; $(call FUZZ_RUN,peer_tls,)

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
	$(PY) bench/scale_bench.py
	$(PY) bench/budget_bench.py
	$(PY) bench/latency_bench.py
	$(PY) bench/dr_bench.py
	$(PY) bench/failover_bench.py
	$(PY) bench/geo_bench.py
	$(PY) bench/dns_bench.py
	$(PY) bench/delta_bench.py
	$(PY) bench/list_bench.py
	$(PY) bench/zset_bench.py
	$(PY) bench/tls_bench.py
	$(PY) bench/metrics_bench.py

format:
	clang-format -i $$(git ls-files '*.cc' '*.h')

tidy: configure
	clang-tidy -p $(BUILD_DIR) $$(git ls-files 'src/*.cc')

clean:
	rm -rf $(BUILD_DIR)
