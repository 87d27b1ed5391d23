# evb - batch report generator for ej verkställda beslut (IVO), meals and fees.
#
#   make run     install missing Debian packages, build, write the sample report
#   make test    the same set-up, then every test (unit, end-to-end, sanitizers)
#   make         build build/evb only
#   make install / make uninstall   (PREFIX, default /usr/local; DESTDIR)

CC       ?= gcc
PKGS     := libxlsxwriter-dev libcsv-dev libxml2-dev libcmocka-dev libssl-dev \
            libjansson-dev libminizip-dev strace pkg-config libxml2-utils python3-openpyxl \
            time valgrind libreoffice-calc-nogui poppler-utils mandoc man-db
FUZZ_PKGS := clang libclang-rt-14-dev
WARN     := -std=c11 -Wall -Wextra -Werror -Wstrict-prototypes -Wvla \
            -Wwrite-strings -Werror=implicit-function-declaration
DEFS     := -D_POSIX_C_SOURCE=200809L
XML_CFLAGS = $(shell pkg-config --cflags libxml-2.0 2>/dev/null || echo -I/usr/include/libxml2)
CFLAGS   ?= -O2 -g
ALL_CFLAGS = $(WARN) $(DEFS) $(XML_CFLAGS) $(CFLAGS)
LDLIBS   := -lxlsxwriter -lminizip -lz -lcsv -lxml2 -lcrypto -ljansson -lm -pthread
SAN      := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
            -fno-sanitize-recover=all
export ASAN_OPTIONS  := detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS := print_stacktrace=1:halt_on_error=1

SRCS      := $(wildcard src/*.c)
LIB_SRCS  := $(filter-out src/main.c,$(SRCS))
OBJS      := $(SRCS:src/%.c=build/obj/%.o)
LIB_OBJS  := $(LIB_SRCS:src/%.c=build/obj/%.o)
SAN_OBJS  := $(SRCS:src/%.c=build/asan/obj/%.o)
SAN_LIB   := $(LIB_SRCS:src/%.c=build/asan/obj/%.o)
TESTS     := $(patsubst tests/unit/%.c,build/asan/tests/%,$(wildcard tests/unit/test_*.c))
FUZZERS   := csv xml field config templates profile
REPLAYS   := $(FUZZERS:%=build/asan/fuzz/replay_%)
FUZZ_CC   ?= clang
FUZZ_SAN  := -g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=all
FUZZ_OBJS := $(LIB_SRCS:src/%.c=build/fuzz/obj/%.o)
FUZZ_SECONDS ?= 60
FUZZ_JOBS    ?= 1

RUN_PERIOD ?= 2026Q3
RUN_ASOF   ?= 2026-11-22

PREFIX  ?= /usr/local
BINDIR   = $(PREFIX)/bin
DATADIR  = $(PREFIX)/share/evb
MANDIR   = $(PREFIX)/share/man/man1
COMPDIR  = $(PREFIX)/share/bash-completion/completions
TEMPLATE_FILES := $(wildcard templates/*)

.PHONY: all deps run test unit e2e robust install-test replay bench bench-table layout fuzz \
        clean install uninstall
all: build/evb

# Installs the Debian packages the build and tests need, when missing.
deps:
	@missing=""; for p in $(PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' \
	    || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

build/obj/%.o: src/%.c $(wildcard src/*.h) | build/obj
	$(CC) $(ALL_CFLAGS) -c $< -o $@
build/asan/obj/%.o: src/%.c $(wildcard src/*.h) | build/asan/obj
	$(CC) $(WARN) $(DEFS) $(XML_CFLAGS) $(SAN) -c $< -o $@

build/evb: $(OBJS)
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)
build/asan/evb: $(SAN_OBJS)
	$(CC) $(SAN) $^ -o $@ $(LDLIBS)
# evb with its own allocations failing on purpose (tests/robust/allocfail.c)
build/asan/evb-allocfail: $(SAN_OBJS) tests/robust/allocfail.c
	$(CC) $(WARN) $(SAN) $^ -o $@ $(LDLIBS) \
	  -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup
build/asan/tests/%: tests/unit/%.c $(SAN_LIB) tests/unit/testutil.h tests/unit/modelutil.h | build/asan/tests
	$(CC) $(WARN) $(DEFS) $(XML_CFLAGS) $(SAN) -Isrc $< $(SAN_LIB) -o $@ $(LDLIBS) -lcmocka $(TEST_LDFLAGS)
# tests that fail thread creation on purpose (tests/unit/threadfail.h)
THREADFAIL_TESTS := build/asan/tests/test_relay build/asan/tests/test_hash build/asan/tests/test_export
$(THREADFAIL_TESTS): TEST_LDFLAGS = -Wl,--wrap=pthread_create
$(THREADFAIL_TESTS): tests/unit/threadfail.h
# test_hash also refuses or holds the hashing thread's SCHED_IDLE
build/asan/tests/test_hash: TEST_LDFLAGS = -Wl,--wrap=pthread_create,--wrap=pthread_setschedparam
# test_export also makes stat say that a file grew, was written to or was
# replaced while it was read
build/asan/tests/test_export: TEST_LDFLAGS = -Wl,--wrap=pthread_create,--wrap=stat
# test_xml_in fails xmlNodeSetContentLen and allocations on purpose
build/asan/tests/test_xml_in: TEST_LDFLAGS = -Wl,--wrap=xmlNodeSetContentLen \
	-Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc
build/asan/tests/test_xml_in: tests/unit/allocfail.h tests/unit/tracesink.h
build/asan/tests/test_csv_in: tests/unit/tracesink.h
# test_pseudonym, test_templates and test_csv_in fail allocations on
# purpose (tests/unit/allocfail.h)
ALLOCFAIL_TESTS := build/asan/tests/test_pseudonym build/asan/tests/test_templates \
	build/asan/tests/test_csv_in
$(ALLOCFAIL_TESTS): TEST_LDFLAGS = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc
$(ALLOCFAIL_TESTS): tests/unit/allocfail.h

# Fuzz harnesses (tests/fuzz/fuzz_<name>.c): with libFuzzer (clang) for
# `make fuzz`, and with gcc, the sanitizers and tests/fuzz/driver.c for the
# replays of `make test`, which so do not need clang.
build/fuzz/obj/%.o: src/%.c $(wildcard src/*.h) | build/fuzz/obj
	$(FUZZ_CC) -std=c11 $(DEFS) $(XML_CFLAGS) $(FUZZ_SAN) \
	  -fsanitize=fuzzer-no-link,address,undefined -c $< -o $@
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_OBJS)
	$(FUZZ_CC) -std=c11 $(DEFS) $(XML_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer,address,undefined \
	  -Isrc -DEVB_SOURCE_DIR='"$(CURDIR)"' $< $(FUZZ_OBJS) -o $@ $(LDLIBS)
# (kept: make would delete them as intermediate files of the pattern rule)
.SECONDARY: $(FUZZ_OBJS)
build/asan/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h tests/fuzz/driver.c $(SAN_LIB) | build/asan/fuzz
	$(CC) $(WARN) $(DEFS) $(XML_CFLAGS) $(SAN) -Isrc -DEVB_SOURCE_DIR='"$(CURDIR)"' \
	  $< tests/fuzz/driver.c $(SAN_LIB) -o $@ $(LDLIBS)

build/obj build/asan/obj build/asan/tests build/asan/fuzz build/fuzz/obj out:
	mkdir -p $@

# The quarterly IVO report and statistics for the samples (--replace: a
# second make run swaps the earlier run folder out whole). Exit status 1
# means "written, but records were rejected": the samples contain some
# deliberate export errors, so that is expected here.
run: deps
	$(MAKE) build/evb
	chmod go-rwx samples/evb.conf   # it holds a key; git keeps no modes
	build/evb ivo --period $(RUN_PERIOD) --as-of $(RUN_ASOF) --in samples/export \
	  --config samples/evb.conf --out out --replace || [ $$? -eq 1 ]

test: deps
	$(MAKE) build/evb build/asan/evb $(TESTS) $(REPLAYS)
	$(MAKE) layout unit replay e2e robust install-test bench-table

# The binary, the templates (found by the installed binary as
# ../share/evb/templates beside its folder, so a staged DESTDIR install
# runs too), the manual page and the bash completion.
install: build/evb
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/templates $(DESTDIR)$(MANDIR) \
	  $(DESTDIR)$(COMPDIR)
	install -m 755 build/evb $(DESTDIR)$(BINDIR)/evb
	install -m 644 $(TEMPLATE_FILES) $(DESTDIR)$(DATADIR)/templates/
	install -m 644 src/evb.1 $(DESTDIR)$(MANDIR)/evb.1
	install -m 644 src/evb.bash-completion $(DESTDIR)$(COMPDIR)/evb

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/evb $(DESTDIR)$(MANDIR)/evb.1 $(DESTDIR)$(COMPDIR)/evb
	rm -f $(addprefix $(DESTDIR)$(DATADIR)/templates/,$(notdir $(TEMPLATE_FILES)))
	if [ -d $(DESTDIR)$(DATADIR)/templates ]; then rmdir $(DESTDIR)$(DATADIR)/templates; fi
	if [ -d $(DESTDIR)$(DATADIR) ]; then rmdir $(DESTDIR)$(DATADIR); fi

# make install into a fresh DESTDIR, the installed binary run from another
# folder without --templates, the manual page rendered and linted, the
# completion tried, make uninstall leaving nothing behind.
install-test: build/evb
	@tests/e2e/install.sh

# Every input that once crashed a harness (tests/fuzz/regress/<harness>/)
# and every hand-made seed (tests/fuzz/seeds/<harness>/), replayed through
# the gcc build of its harness under ASan and UBSan (leaks included).
replay: $(REPLAYS)
	@export TMPDIR=$(CURDIR)/build/asan/fuzz/tmp; rm -rf "$$TMPDIR"; mkdir -p "$$TMPDIR"; \
	regress=0; seeds=0; for f in $(FUZZERS); do \
	  for d in regress seeds; do \
	    files=$$(find tests/fuzz/$$d/$$f -type f 2>/dev/null | sort); \
	    [ -n "$$files" ] || continue; \
	    n=$$(build/asan/fuzz/replay_$$f $$files) || { echo "fuzz $$d of $$f: FAILED"; \
	      for x in $$files; do build/asan/fuzz/replay_$$f $$x >/dev/null 2>&1 || \
	        echo "  failing input: $$x"; done; exit 1; }; \
	    if [ $$d = regress ]; then regress=$$((regress + n)); else seeds=$$((seeds + n)); fi; \
	  done; \
	done; rm -rf "$$TMPDIR"; echo "fuzz regressions: $$regress passed (and $$seeds seeds)"

# Builds every harness with libFuzzer and runs each for FUZZ_SECONDS
# (default 60; FUZZ_JOBS at a time, default 1), -rss_limit_mb=2048,
# -timeout=10. Fails when a harness finds a crash, naming the saved input.
fuzz:
	@$(MAKE) --no-print-directory deps PKGS="$(PKGS) $(FUZZ_PKGS)"
	$(MAKE) $(FUZZERS:%=build/fuzz/fuzz_%)
	FUZZ_JOBS=$(FUZZ_JOBS) tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZERS)

unit: $(TESTS)
	@pass=0; fail=0; failed=""; \
	for t in $(TESTS); do \
	  out=$$(cd tests && ../$$t 2>&1); rc=$$?; printf '%s\n' "$$out"; \
	  n=$$(printf '%s\n' "$$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\./\1/p'); \
	  f=$$(printf '%s\n' "$$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s).*/\1/p'); \
	  pass=$$((pass + $${n:-0})); fail=$$((fail + $${f:-0})); \
	  if [ $$rc -ne 0 ]; then [ -n "$$f" ] || fail=$$((fail + 1)); failed="$$failed $$t"; fi; \
	done; \
	echo "unit: $$pass passed, $$fail failed"; \
	[ -z "$$failed" ] || { echo "failing:$$failed"; exit 1; }

e2e: build/asan/evb
	@tests/e2e/run.sh build/asan/evb

# Run folders and audits under faults (tests/robust/): one test per
# observation of issue 12 (sanitizer build); then, on the plain build for
# speed, system-call fault injection with strace (every write, fsync,
# close, renameat2, read and getdents64 of evb ivo and evb fees on the
# samples; every openat, newfstatat, getdents64 and every third read of
# evb verify), a real full
# disk on small tmpfs mounts (SKIP where mounting is not allowed) and
# KILL_RUNS runs killed with SIGKILL at seeded random moments over an
# export of KILL_PERSONS persons (133 000: about 200 000 decisions); and
# every allocation of every command on the samples failed in turn
# (tests/robust/allocfail.sh, sanitizer build).
KILL_PERSONS ?= 133000
KILL_RUNS    ?= 50
KILL_SEED    ?= 12
robust: build/evb build/asan/evb build/asan/evb-allocfail
	@tests/robust/observations.sh build/asan/evb
	@tests/robust/allocfail.sh build/asan/evb-allocfail
	@tests/robust/faults.py build/evb
	@tests/robust/fulldisk.sh build/evb
	@tests/robust/kill.sh build/evb $(KILL_PERSONS) $(KILL_RUNS) $(KILL_SEED)

# Deterministic synthetic export sets of BENCH_SIZES decisions, as CSV and
# as one XML file (generated once into build/bench/), every command timed
# against the limit of its libraries: the read floor (libcsv, or libxml2's
# reader with the schema, alone over the same input) plus the write floor
# (libxlsxwriter writing the same workbooks again, fsynced and read back).
# One table with the ratios and the targets; BENCH_RUNS runs each (at
# the sizes after the first BENCH_LARGE_RUNS), the sizes in turn, the one
# whose wall time over its own floors is the median shown; the 5 M / 1 M
# ratio is the median over the rounds of a run at each size, one after the
# other (three at every size). BENCH_FORMATS: csv, xml or both. See README
# "Performance".
BENCH_SIZES ?= 1000000 5000000
BENCH_RUNS  ?= 3
BENCH_LARGE_RUNS ?= 3
BENCH_FORMATS ?= csv xml
BENCH_TOOLS := build/bench/parse_floor build/bench/xml_floor build/bench/write_floor \
	       build/bench/first_touch build/bench/hold_cache
bench: deps
	$(MAKE) build/evb $(BENCH_TOOLS)
	tests/bench/bench.sh build/evb build/bench "$(BENCH_SIZES)" $(BENCH_RUNS) $(BENCH_LARGE_RUNS) \
		"$(BENCH_FORMATS)"

# The repository's top level as the README gives it; out/ is tracked by
# its placeholder alone (.gitignore), which a clean clone must hold.
LAYOUT := Makefile README.md src templates samples tests out/.gitkeep .ci/run
layout:
	@for f in $(LAYOUT); do [ -e "$$f" ] || { echo "layout: $$f is missing"; exit 1; }; done
	@echo "layout: $(LAYOUT) present"

# The table make bench prints, from four results files, against reviewed
# output, the holder of its input in the page cache, and the write
# floor's cell formats against evb's (part of make test; it times
# nothing).
bench-table: build/bench/hold_cache build/bench/write_floor build/evb
	@tests/bench/table_test.sh
	@tests/bench/hold_test.sh build/bench/hold_cache
	@tests/bench/floor_test.sh build/evb build/bench/write_floor

build/bench/parse_floor: tests/bench/parse_floor.c
	@mkdir -p build/bench
	$(CC) -O2 -std=c11 -Wall -Wextra -Werror $< -o $@ -lcsv
build/bench/xml_floor: tests/bench/xml_floor.c
	@mkdir -p build/bench
	$(CC) -O2 -std=c11 -Wall -Wextra -Werror $(XML_CFLAGS) $< -o $@ -lxml2
build/bench/write_floor: tests/bench/write_floor.c
	@mkdir -p build/bench
	$(CC) -O2 -std=c11 -Wall -Wextra -Werror $< -o $@ -lxlsxwriter -lminizip -lz
build/bench/first_touch: tests/bench/first_touch.c
	@mkdir -p build/bench
	$(CC) -O2 -std=c11 -Wall -Wextra -Werror $< -o $@
build/bench/hold_cache: tests/bench/hold_cache.c
	@mkdir -p build/bench
	$(CC) -O2 -std=c11 -Wall -Wextra -Werror $< -o $@

clean:
	rm -rf build
