#!/usr/bin/env bash
# Every target a newcomer starts with (make, make install, make demo,
# make bench, make test) works on a machine where the build dependencies are
# missing when make starts: the packages' compiler and linker flags must be
# computed after `deps` has installed them, not when make reads the Makefile.
#
# Without touching the machine's packages (it is shared): a copy of the tree
# is built with a `pkg-config` first on PATH that reports every library
# missing until a stand-in for scripts/deps.sh (DEPS=...) has run; from then
# on it is the real one. demo.sh, the bench scripts and the unit tests are
# replaced by small stand-ins in the copy: what is proven is the build
# that runs before them (the real ones run elsewhere in make test).
set -euo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
real_pc=$(command -v pkg-config) || fail "pkg-config not installed"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The tree as a fresh clone has it, uncommitted files included.
mkdir "$tmp/src"
(cd "$top" && git ls-files -z -co --exclude-standard | tar -cf - --null -T -) | tar -xf - -C "$tmp/src"

mkdir "$tmp/bin"
state=$tmp/installed
log=$tmp/pkg-config.log
cat >"$tmp/bin/pkg-config" <<SH
#!/bin/sh
if [ ! -e '$state' ]; then
	echo "before-deps: pkg-config \$*" >>'$log'
	echo "Package libmariadb was not found in the pkg-config search path." >&2
	exit 1
fi
echo "after-deps: pkg-config \$*" >>'$log'
exec '$real_pc' "\$@"
SH
cat >"$tmp/bin/fake-deps" <<SH
#!/bin/sh
echo "deps \$*" >>'$log'
touch '$state'
SH
chmod +x "$tmp/bin/pkg-config" "$tmp/bin/fake-deps"

cd "$tmp/src"
cat >scripts/demo.sh <<'SH'
#!/bin/sh
./clustercheckd --version >demo.ran
SH
rm -f bench/bench_*.sh
cat >bench/bench_stub.sh <<'SH'
"$LOADGEN" --help >/dev/null 2>&1 || [ -x "$LOADGEN" ]
./clustercheckd --version >bench.ran
SH
find tests/unit -name 'test_*.c' ! -name test_grastate.c -delete

# run TARGET [make args...]: with "no packages", the target must succeed, and
# no pkg-config answer may have been asked for before deps ran. The first
# run starts from a clean tree; the others, to keep this quick, from one
# where the binary and two objects that include <mysql.h> are gone, so that
# they compile with the packages' flags and link with their libraries.
run() {
	local target=$1 t0
	shift
	if [[ -e build ]]; then
		rm -f clustercheckd build/dropin.o build/main.o build/tests/test_* build/cfgman
	else
		make --no-print-directory -s clean >/dev/null
	fi
	rm -f "$state" "$log" demo.ran bench.ran
	t0=$(date +%s)
	if ! PATH=$tmp/bin:$PATH make --no-print-directory -j2 OPT=-O0 DEPS=fake-deps "$target" "$@" \
		>"$tmp/make.log" 2>&1; then
		tail -n 15 "$tmp/make.log" >&2
		fail "make $target failed with the build dependencies missing when make started"
	fi
	[[ -e $state ]] || fail "make $target did not run deps"
	if grep -q '^before-deps' "$log"; then
		fail "make $target asked pkg-config before deps: $(grep '^before-deps' "$log" | head -n 1)"
	fi
	grep -q '^after-deps' "$log" || fail "make $target never asked pkg-config"
	echo "ok: make $target: deps first, then the build ($(($(date +%s) - t0)) s)" >&2
}

run all
./clustercheckd --version >/dev/null || fail "make: the binary does not run"
[[ -s man/clustercheckd.conf.5 ]] || fail "make: no clustercheckd.conf(5)"
run install DESTDIR="$tmp/root" PREFIX=/usr
"$tmp/root/usr/sbin/clustercheckd" --version >/dev/null || fail "make install: no binary"
run demo
[[ -s demo.ran ]] || fail "make demo did not run the demo"
run bench
[[ -s bench.ran ]] || fail "make bench did not run the bench"
run test TEST_STEPS="clustercheckd unit"
[[ -x build/tests/test_grastate ]] || fail "make test did not build the unit tests"
