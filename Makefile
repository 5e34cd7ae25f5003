# Two commands do everything: `make demo` and `make test` (each installs missing
# Debian packages first, then configures and builds incrementally).
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)
# Tests at once: the suite waits on servers, timers and child processes more
# than it computes (at -j 2 one of two cores was busy; 3 per core took the
# release suite from 198 s to 115 s on 2 cores, every test passing). The
# sanitizer build runs 2 per core: its processes are slower, and at 3 per core
# with a build beside it two time-bound tests ran out of time.
TEST_JOBS ?= $(shell echo $$(( $(JOBS) * 3 )))
CMAKE_FLAGS ?=

.PHONY: all deps build demo test test-sanitize fuzz fuzz-build fuzz-smoke test-docker test-compose bench bench-smoke format clean
.PHONY: install deb test-deb

all: build

deps:
	@scripts/install-deps.sh

$(BUILD_DIR)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS)

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)

demo: build
	$(BUILD_DIR)/asyncfetch demo

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(TEST_JOBS)

# The binary, man page, completions, example configs and systemd unit, under
# PREFIX (DESTDIR honoured): make install PREFIX=$$HOME/.local
PREFIX ?= /usr/local
install: build
	DESTDIR="$(DESTDIR)" cmake --install $(BUILD_DIR) --prefix "$(PREFIX)"

# The Debian package, $(BUILD_DIR)/asyncfetch_VERSION_ARCH.deb (CPack).
deb: build
	cd $(BUILD_DIR) && cpack -G DEB

# Installs that package into this system with dpkg, runs it, removes it (CI, as root).
test-deb: deb
	scripts/test-deb.sh $(BUILD_DIR)

# The same suite under AddressSanitizer + UndefinedBehaviorSanitizer.
test-sanitize: deps
	$(MAKE) test BUILD_DIR=build-asan BUILD_TYPE=Debug CMAKE_FLAGS=-DASYNCFETCH_SANITIZE=ON \
		TEST_JOBS=$(shell echo $$(( $(JOBS) * 2 )))

# libFuzzer harnesses (tests/fuzz/), built with clang++ in their own build
# directory and run for FUZZ_S seconds each, one per core at once (FUZZ_JOBS);
# fuzz-smoke is the CI length. -O1 with line tables only, as libFuzzer's own
# documentation builds: the build compiles the whole library again.
FUZZ_DIR ?= build-fuzz
FUZZ_S ?= 60
fuzz-build: deps
	@[ -f $(FUZZ_DIR)/CMakeCache.txt ] || cmake -S . -B $(FUZZ_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		"-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only -DNDEBUG" \
		-DCMAKE_CXX_COMPILER=clang++ -DASYNCFETCH_FUZZ=ON -DASYNCFETCH_TESTS=OFF $(CMAKE_FLAGS)
	cmake --build $(FUZZ_DIR) -j $(JOBS) --target fuzzers

fuzz: fuzz-build
	tests/fuzz/run.sh $(FUZZ_DIR) $(FUZZ_S)

fuzz-smoke:
	$(MAKE) fuzz FUZZ_S=10

bench: build
	@scripts/install-deps.sh scripts/bench-packages.txt
	bench/http.sh
	bench/http2.sh
	bench/ssh.sh
	bench/launcher.sh
	bench/gevent_demo.sh
	bench/sftp.sh
	bench/sftp_sync.sh
	bench/distributed.sh
	bench/dns.sh
	bench/local.sh
	bench/crawl.sh
	bench/hold.sh
	bench/input.sh

# Tiny sizes, one run each: keeps the benchmark scripts from rotting (CI).
bench-smoke: build
	@scripts/install-deps.sh scripts/bench-packages.txt
	SMOKE=1 bench/http.sh
	SMOKE=1 bench/http2.sh
	SMOKE=1 bench/ssh.sh
	SMOKE=1 bench/launcher.sh
	SMOKE=1 bench/gevent_demo.sh
	SMOKE=1 bench/sftp.sh
	SMOKE=1 bench/sftp_sync.sh
	SMOKE=1 bench/distributed.sh
	SMOKE=1 bench/dns.sh
	SMOKE=1 bench/local.sh
	SMOKE=1 bench/crawl.sh
	SMOKE=1 bench/hold.sh
	SMOKE=1 bench/input.sh

# Builds the docker image on a private dockerd and runs the demo in it
# (skips, saying why, where dockerd cannot start). The image takes the
# release binary `build` makes (FROM_SOURCE=1: it compiles its own).
test-docker: build
	docker/test.sh $(BUILD_DIR)

# Runs docker/compose.yaml on a private dockerd: redis, nginx, two sshd hosts,
# two workers; 200 URLs in, 200 records out (about 10 minutes; not in CI).
test-compose:
	docker/compose-test.sh

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf build build-asan build-fuzz
