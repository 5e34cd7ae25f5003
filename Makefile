# Two commands do everything: `make demo` and `make test` (each installs missing
# Debian packages first, then configures and builds incrementally).
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps build demo test test-sanitize test-docker test-compose bench bench-smoke format clean

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
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# The same suite under AddressSanitizer + UndefinedBehaviorSanitizer.
test-sanitize: deps
	$(MAKE) test BUILD_DIR=build-asan BUILD_TYPE=Debug CMAKE_FLAGS=-DASYNCFETCH_SANITIZE=ON

bench: build
	@scripts/install-deps.sh scripts/bench-packages.txt
	bench/http.sh
	bench/ssh.sh
	bench/launcher.sh
	bench/gevent_demo.sh
	bench/sftp.sh
	bench/distributed.sh
	bench/dns.sh

# Tiny sizes, one run each: keeps the benchmark scripts from rotting (CI).
bench-smoke: build
	@scripts/install-deps.sh scripts/bench-packages.txt
	SMOKE=1 bench/http.sh
	SMOKE=1 bench/ssh.sh
	SMOKE=1 bench/launcher.sh
	SMOKE=1 bench/gevent_demo.sh
	SMOKE=1 bench/sftp.sh
	SMOKE=1 bench/distributed.sh
	SMOKE=1 bench/dns.sh

# Builds the docker image on a private dockerd and runs the demo in it
# (skips, saying why, where dockerd cannot start).
test-docker:
	docker/test.sh

# Runs docker/compose.yaml on a private dockerd: redis, nginx, two sshd hosts,
# two workers; 200 URLs in, 200 records out (about 10 minutes; not in CI).
test-compose:
	docker/compose-test.sh

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf build build-asan
