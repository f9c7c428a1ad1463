# shellcheck shell=bash
# Helpers shared by the hardening scenarios (t_hardening_*.sh): the agent's
# resources as the kernel sees them, and the load generator.

LOADGEN=${LOADGEN:-$CCK_REPO/build/loadgen}

need_loadgen() {
	[[ -x $LOADGEN ]] || fail "$LOADGEN not built (make build/loadgen; make test builds it)"
}

fd_count() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }

# Private memory of PID in KiB: what leaks grow. VmRSS also counts the
# shared libraries' pages, which do not grow.
rss_anon_kib() { awk '/^RssAnon:/ { print $2 }' "/proc/$1/status"; }

# loadgen output field
lg_field() { [[ $2 =~ (^| )$1=([^ ]*) ]] && echo "${BASH_REMATCH[2]}"; }

# A sanitized agent holds freed memory in quarantine and has its own
# allocator caches: memory bounds are checked, but with the room ASan needs.
sanitized() { [[ $(nm -D "$CCK_BIN" 2>/dev/null) == *__asan_init* ]]; }

assert_agent_same() { # A PID
	pid_alive "$2" && [[ $(agent_pid "$1") == "$2" ]] || fail "agent$1 (pid $2) died or was restarted"
}
