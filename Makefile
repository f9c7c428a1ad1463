# clustercheckd — see README.md. `make`, `make test`, `make install`.
PREFIX   ?= /usr/local
DESTDIR  ?=
BINDIR   ?= $(PREFIX)/sbin
SYSCONFDIR ?= /etc
CC       ?= cc
OPT      ?= -O2
CFLAGS   ?= $(OPT) -g
WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wpointer-arith -Wformat=2 -Wno-format-nonliteral
ifeq ($(WERROR),1)
WARN     += -Werror
endif
PKGS     := libmicrohttpd libmariadb libconfig jansson libsystemd
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
VERSION  := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
ALL_CFLAGS = -std=gnu11 $(WARN) $(CFLAGS) $(PKG_CFLAGS) -Iinclude -D_GNU_SOURCE \
             -DCLUSTERCHECKD_VERSION='"$(VERSION)"' -pthread -MMD -MP
LDLIBS   += $(PKG_LIBS) -pthread

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

.PHONY: all test unit integration deps install clean demo bench fuzz check-werror
all: clustercheckd

clustercheckd: $(OBJ)
	$(Q_LD)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(OBJ) $(LDLIBS)

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
	@scripts/deps.sh

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done

# The rolling-restart scenario's client: a new connection per transaction.
bench/cck_load: bench/load.c
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LDFLAGS) $(LDLIBS)

integration: clustercheckd bench/cck_load
	@tests/integration/run.sh

# A sandbox cluster, agents and HAProxy to look at (README "Run it").
demo: deps clustercheckd
	@scripts/demo.sh

test: deps
	$(MAKE) WERROR=1 clustercheckd unit
	$(MAKE) WERROR=1 integration

install: clustercheckd
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SYSCONFDIR)/clustercheckd
	install -m 0755 clustercheckd $(DESTDIR)$(BINDIR)/clustercheckd
	install -m 0600 conf/clustercheckd.conf $(DESTDIR)$(SYSCONFDIR)/clustercheckd/clustercheckd.conf.example

clean:
	rm -rf build build-* clustercheckd bench/cck_load

-include $(OBJ:.o=.d) $(UNIT_BIN:=.d)
