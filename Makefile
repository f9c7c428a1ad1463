# clustercheckd — see README.md. `make`, `make test`, `make install`.
PREFIX   ?= /usr/local
DESTDIR  ?=
BINDIR   ?= $(PREFIX)/sbin
SYSCONFDIR ?= /etc
DATAROOTDIR ?= $(PREFIX)/share
MANDIR   ?= $(DATAROOTDIR)/man
DOCDIR   ?= $(DATAROOTDIR)/doc/clustercheckd
# systemd looks in /usr/local/lib/systemd/system too; a package sets these.
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
CC       ?= cc
OPT      ?= -O2
CFLAGS   ?= $(OPT) -g
WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wpointer-arith -Wformat=2 -Wno-format-nonliteral
ifeq ($(WERROR),1)
WARN     += -Werror
endif
PKGS     := libmicrohttpd libmariadb libconfig jansson libsystemd libcurl gnutls libcrypt
# Computed when a recipe first needs them (then kept), not when make reads
# this file: on a fresh machine the entry targets (all, demo, test, bench,
# install) install the packages first, then run the build in a new make.
# tests/make/t_flags_after_deps.sh holds them to it.
PKG_CFLAGS = $(eval PKG_CFLAGS := $$(shell pkg-config --cflags $(PKGS)))$(PKG_CFLAGS)
PKG_LIBS   = $(eval PKG_LIBS := $$(shell pkg-config --libs $(PKGS)))$(PKG_LIBS)
# What installs the build (`build`) or every (`all`) dependency. A package
# build has its Build-Depends and passes DEPS=true.
DEPS     ?= scripts/deps.sh
SUBMAKE   = $(MAKE) --no-print-directory
VERSION  := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
ALL_CFLAGS = -std=gnu11 $(WARN) $(CPPFLAGS) $(CFLAGS) $(PKG_CFLAGS) -Iinclude -D_GNU_SOURCE \
             -DCLUSTERCHECKD_VERSION='"$(VERSION)"' -pthread -MMD -MP
LDLIBS   += $(PKG_LIBS) -pthread

# SAN=1: AddressSanitizer + UndefinedBehaviorSanitizer, for `make test`'s
# sanitized flavour (build-asan/). Any UB report aborts: a sanitizer that
# only prints is a sanitizer nobody reads.
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
ifeq ($(SAN),1)
ALL_CFLAGS += $(SAN_FLAGS)
LDFLAGS  += $(SAN_FLAGS)
endif

comma    := ,
# Quiet by default, like redis: `make V=1` shows the full commands.
ifneq ($(V),1)
Q_CC      = @echo "  CC      $@";
Q_LD      = @echo "  LD      $@";
endif

# Build flavours live in their own directories so that `make test` can build
# the plain binary and the ASan/UBSan one side by side.
B        ?= build
SRC      := $(wildcard src/*.c)
OBJ      := $(SRC:src/%.c=$(B)/%.o)
LIB_OBJ  := $(filter-out $(B)/main.o,$(OBJ))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

.PHONY: all all-built test unit integration deps deps-build install clean demo bench fuzz check-werror \
        asan unit-asan unit-valgrind integration-asan fuzz-smoke fuzz-deps fuzz-build \
        man make-check install-check install-files deb
all: deps-build
	@$(SUBMAKE) all-built

# What `make` builds once the packages are there.
all-built: clustercheckd man

clustercheckd: $(OBJ)
	$(Q_LD)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(OBJ) $(LDLIBS)

# The same binary in a flavour directory (build-asan/clustercheckd), so the
# plain ./clustercheckd and the sanitized one can sit side by side.
$(B)/clustercheckd: $(OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(OBJ) $(LDLIBS)

$(B)/%.o: src/%.c | $(B)
	$(Q_CC)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B) $(B)/tests:
	mkdir -p $@

# Each unit test links every module except main; a test may add --wrap
# mocks of libmariadb with a WRAP_<test> variable.
WRAP_test_probe := $(addprefix -Wl$(comma)--wrap=,mysql_real_connect mysql_real_query \
                     mysql_store_result mysql_next_result mysql_errno mysql_error)
$(B)/tests/test_%: tests/unit/test_%.c $(LIB_OBJ) | $(B)/tests
	$(Q_LD)$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(LIB_OBJ) $(WRAP_test_$*) $(LDFLAGS) $(LDLIBS) -lcmocka

deps:
	@$(DEPS) all
deps-build:
	@$(DEPS) build

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done

# The rolling-restart scenario's client: a new connection per transaction.
bench/cck_load: bench/load.c
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LDFLAGS) $(LDLIBS)

integration: clustercheckd bench/cck_load
	@tests/integration/run.sh

# A sandbox cluster, agents and HAProxy to look at (README "Run it").
demo: deps
	@$(SUBMAKE) clustercheckd
	@scripts/demo.sh

# ---- sanitizers and valgrind ----------------------------------------------

ASAN_DIR := build-asan
# halt_on_error: the first report fails the run; detect_leaks: LSan at exit.
export UBSAN_OPTIONS ?= halt_on_error=1:print_stacktrace=1
# Leaks inside system libraries only, each with its reason.
export LSAN_OPTIONS ?= suppressions=$(CURDIR)/tests/sanitizers/lsan.supp:print_suppressions=0
ASAN_UNIT_OPTIONS := detect_leaks=1:abort_on_error=0:strict_string_checks=1
VALGRIND := valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
            --error-exitcode=1

asan:
	$(MAKE) B=$(ASAN_DIR) SAN=1 OPT=-O1 $(ASAN_DIR)/clustercheckd \
		$(UNIT_SRC:tests/unit/%.c=$(ASAN_DIR)/tests/%)

unit-asan: asan
	@set -e; for t in $(UNIT_SRC:tests/unit/%.c=$(ASAN_DIR)/tests/%); do \
		echo "== asan $$t"; ASAN_OPTIONS=$(ASAN_UNIT_OPTIONS) $$t; done

unit-valgrind: $(UNIT_BIN)
	@command -v valgrind >/dev/null || { echo "valgrind missing: apt-get install valgrind" >&2; exit 1; }
	@set -e; for t in $(UNIT_BIN); do echo "== valgrind $$t"; $(VALGRIND) $$t; done

# Every integration scenario drives the sanitized agent. Its reports go to
# files (the agent's stderr is its log) and any report fails the suite,
# even when every scenario passed: a use-after-free need not change an answer.
ASAN_LOGS := $(CURDIR)/$(ASAN_DIR)/reports
# A small quarantine keeps the agent's memory figures meaningful in the
# scenarios that bound its growth.
integration-asan: asan clustercheckd $(B)/loadgen $(B)/flood bench/cck_load
	@rm -rf $(ASAN_LOGS); mkdir -p $(ASAN_LOGS)
	@CCK_BIN=$(CURDIR)/$(ASAN_DIR)/clustercheckd CCK_PLAIN_BIN=$(CURDIR)/clustercheckd \
	 LOADGEN=$(CURDIR)/$(B)/loadgen \
	 ASAN_OPTIONS=detect_leaks=1:quarantine_size_mb=16:log_path=$(ASAN_LOGS)/asan \
	 tests/integration/run.sh; rc=$$?; \
	 if ls $(ASAN_LOGS)/asan.* >/dev/null 2>&1; then \
		echo "sanitizer reports from the agent:" >&2; cat $(ASAN_LOGS)/asan.* >&2; exit 1; fi; \
	 exit $$rc

# Each step in a make of its own, in this order, after deps.
# (deb: the package that t_deb_package_installs_and_removes installs.)
TEST_STEPS ?= make-check clustercheckd unit man install-check unit-asan unit-valgrind \
              fuzz-smoke deb integration-asan
test: deps
	@set -e; for t in $(TEST_STEPS); do echo "== make $$t"; $(SUBMAKE) WERROR=1 $$t; done

# ---- fuzzing (clang + libFuzzer) ------------------------------------------
#
# One file per target: fuzz/fuzz_<name>.c defining LLVMFuzzerTestOneInput,
# seeds in fuzz/corpus/<name>/. Nothing else to register: a new parser
# (grastate.dat, ctl commands, ...) gets fuzzed by adding those two.

FUZZ_CC   ?= clang
FUZZ_DIR  := build-fuzz
FUZZ_SRC  := $(wildcard fuzz/fuzz_*.c)
FUZZ_BIN  := $(FUZZ_SRC:fuzz/%.c=$(FUZZ_DIR)/%)
FUZZ_SECONDS ?= 60
# The smoke inside `make test` must give the same answer on every run: a
# fixed seed and a fixed number of mutations, bounded in time as well.
# Open-ended search is `make fuzz`.
FUZZ_SMOKE_RUNS ?= 3000
FUZZ_SMOKE_SECONDS ?= 20
FUZZ_FLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
              -fno-omit-frame-pointer
FUZZ_CFLAGS = -std=gnu11 $(WARN) -O1 -g $(FUZZ_FLAGS) $(PKG_CFLAGS) -Iinclude -D_GNU_SOURCE \
              -DCLUSTERCHECKD_VERSION='"$(VERSION)"' -pthread -MMD -MP
FUZZ_OBJ  := $(filter-out $(FUZZ_DIR)/main.o,$(SRC:src/%.c=$(FUZZ_DIR)/%.o))

$(FUZZ_DIR)/%.o: src/%.c | $(FUZZ_DIR)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<
$(FUZZ_DIR)/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz_common.h $(FUZZ_OBJ) | $(FUZZ_DIR)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Ifuzz -o $@ $< $(FUZZ_OBJ) $(LDLIBS)
$(FUZZ_DIR):
	mkdir -p $@

# clang is only needed here: install it as root, else say how and skip.
fuzz-deps:
	@command -v $(FUZZ_CC) >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -q clang >&2; \
	  else echo "fuzz: $(FUZZ_CC) missing; as root: apt-get install clang" >&2; exit 1; fi; }

fuzz-build: fuzz-deps
	$(MAKE) $(FUZZ_BIN)

# Each target FUZZ_SECONDS (default 60) on a scratch copy of its corpus;
# new inputs land in build-fuzz/corpus/<name> (copy the useful ones into
# fuzz/corpus/<name> by hand). Crashes are written to build-fuzz/.
fuzz: fuzz-build
	@set -e; for f in $(FUZZ_BIN); do n=$${f#$(FUZZ_DIR)/fuzz_}; \
		mkdir -p $(FUZZ_DIR)/corpus/$$n; echo "== fuzz $$n ($(FUZZ_SECONDS) s)"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -timeout=10 -max_len=8192 -print_final_stats=1 \
		    -artifact_prefix=$(FUZZ_DIR)/$$n- $(FUZZ_DIR)/corpus/$$n fuzz/corpus/$$n \
		    >$(FUZZ_DIR)/fuzz-$$n.log 2>&1 || { tail -n 60 $(FUZZ_DIR)/fuzz-$$n.log >&2; exit 1; }; \
		grep -E '^(Done [0-9]+ runs|stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb))' \
		    $(FUZZ_DIR)/fuzz-$$n.log || true; done

# Inside `make test`: every seed once, then a few seconds of mutation.
fuzz-smoke:
	@if ! command -v $(FUZZ_CC) >/dev/null; then \
		echo "fuzz-smoke: $(FUZZ_CC) missing, skipped (apt-get install clang)" >&2; exit 0; fi; \
	 $(MAKE) $(FUZZ_BIN) >/dev/null && \
	 for f in $(FUZZ_BIN); do n=$${f#$(FUZZ_DIR)/fuzz_}; \
		rm -rf $(FUZZ_DIR)/smoke/$$n; mkdir -p $(FUZZ_DIR)/smoke/$$n; \
		$$f -seed=1 -runs=$(FUZZ_SMOKE_RUNS) -max_total_time=$(FUZZ_SMOKE_SECONDS) -timeout=10 -max_len=8192 \
		    -artifact_prefix=$(FUZZ_DIR)/$$n- $(FUZZ_DIR)/smoke/$$n fuzz/corpus/$$n \
		    >$(FUZZ_DIR)/smoke-$$n.log 2>&1 || \
		    { tail -n 40 $(FUZZ_DIR)/smoke-$$n.log >&2; exit 1; }; \
		echo "== fuzz smoke $$n: $$(grep -E '^Done [0-9]+ runs' $(FUZZ_DIR)/smoke-$$n.log)"; done

# ---- benchmarks -------------------------------------------------------------

$(B)/loadgen: bench/loadgen.c bench/client.c bench/client.h | $(B)
	$(CC) -std=gnu11 $(WARN) -O2 -g -D_GNU_SOURCE -pthread -o $@ $< bench/client.c -lm -lgnutls

# Connection floods from many loopback addresses (bench_flood.sh, t_flood_*).
$(B)/flood: bench/flood.c bench/client.c bench/client.h | $(B)
	$(CC) -std=gnu11 $(WARN) -O2 -g -D_GNU_SOURCE -o $@ $< bench/client.c

# Not tests: each bench/bench_*.sh prints a table against the baseline
# measured in the same run. See README "Performance".
bench: deps
	@$(SUBMAKE) clustercheckd $(B)/loadgen $(B)/flood bench/cck_load
	@set -e; for b in bench/bench_*.sh; do echo "== $$b"; LOADGEN=$(CURDIR)/$(B)/loadgen bash $$b; done

clean:
	rm -rf build build-* clustercheckd bench/cck_load man/clustercheckd.conf.5

# ---- manual pages, install, Debian package --------------------------------

# clustercheckd.conf(5)'s keys come from cfg.c's table (tools/cfgman.c): a
# key added there is documented by the next build.
man: man/clustercheckd.conf.5
$(B)/cfgman: tools/cfgman.c $(LIB_OBJ) | $(B)
	$(Q_LD)$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB_OBJ) $(LDFLAGS) $(LDLIBS)
man/clustercheckd.conf.5: man/clustercheckd.conf.5.in $(B)/cfgman
	@$(B)/cfgman >$(B)/conf-keys.roff
	sed -e '/^@KEYS@$$/{r $(B)/conf-keys.roff' -e 'd;}' $< >$@.tmp && mv $@.tmp $@

# Files written for /usr/local (what the docs tell people to copy by hand)
# get the paths of this PREFIX on the way in.
INSTALL_SED = sed -e 's|/usr/local/sbin/clustercheckd|$(BINDIR)/clustercheckd|g' \
                  -e 's|/usr/local/share/doc/clustercheckd|$(DOCDIR)|g'
UNITS    := $(wildcard systemd/*.service systemd/*.socket)
install: deps-build
	@$(SUBMAKE) all-built
	@$(SUBMAKE) install-files

install-files:
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SYSCONFDIR)/clustercheckd \
		$(DESTDIR)$(SYSCONFDIR)/xinetd.d $(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(SYSUSERSDIR) \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(DOCDIR)/haproxy
	install -m 0755 clustercheckd $(DESTDIR)$(BINDIR)/clustercheckd
	install -m 0600 conf/clustercheckd.conf $(DESTDIR)$(SYSCONFDIR)/clustercheckd/clustercheckd.conf.example
	set -e; for f in $(UNITS); do $(INSTALL_SED) $$f >$(DESTDIR)$(SYSTEMDUNITDIR)/$${f#systemd/}; \
		chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/$${f#systemd/}; done
	install -m 0644 systemd/clustercheckd.sysusers $(DESTDIR)$(SYSUSERSDIR)/clustercheckd.conf
	@# An existing xinetd service, perhaps enabled by its administrator, is
	@# left as it is: the new file lands beside it as NAME.new (xinetd skips
	@# names with a dot).
	set -e; for f in xinetd/*; do d=$(DESTDIR)$(SYSCONFDIR)/xinetd.d/$${f#xinetd/}; \
		if [ -e $$d ]; then d=$$d.new; fi; $(INSTALL_SED) $$f >$$d; chmod 0644 $$d; done
	install -m 0644 man/clustercheckd.8 $(DESTDIR)$(MANDIR)/man8/clustercheckd.8
	install -m 0644 man/clustercheckd.conf.5 $(DESTDIR)$(MANDIR)/man5/clustercheckd.conf.5
	install -m 0644 README.md docs/*.md $(DESTDIR)$(DOCDIR)/
	install -m 0644 haproxy/* $(DESTDIR)$(DOCDIR)/haproxy/

# Inside `make test`: the pages render, list every key of the table, and
# name every option and subcommand of --help; install into a scratch
# DESTDIR follows PREFIX.
install-check: clustercheckd man
	@tests/make/t_man_and_install.sh
	@tests/make/t_units_see_what_the_agent_reads.sh
make-check:
	@tests/make/t_flags_after_deps.sh
	@tests/make/t_docs_speak_of_the_project.sh

# Debian packages with the standard tooling (debian/), into build-deb/,
# lintian clean. tests/integration/t_deb_package_installs_and_removes.sh
# installs, uses and purges them.
deb: deps
	@scripts/build-deb.sh

-include $(OBJ:.o=.d) $(UNIT_BIN:=.d) $(wildcard $(FUZZ_DIR)/*.d)
