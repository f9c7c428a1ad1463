# shellcheck shell=bash
# Helpers for the connection-flood scenarios (t_flood_*.sh): the flood tool
# (bench/flood.c) and counts of the agent's log.
source "$CCK_REPO/tests/integration/hardening.sh"

FLOOD=${FLOOD:-$CCK_REPO/build/flood}

need_flood() {
	[[ -x $FLOOD ]] || fail "$FLOOD not built (make build/flood; make test builds it)"
	need_loadgen
}

# flood_start OUT ARGS...: the flood tool in the background, stopped by pid
# at the end of the scenario; its pid in $REPLY.
flood_start() {
	local out=$1
	shift
	"$FLOOD" "$@" >"$out" 2>"$out.progress" &
	REPLY=$!
	on_exit "stop_pid $REPLY 5 flood"
}

agent_log() { echo "${CCK_LOGDIR:-$CCK_TMP}/agent$1.log"; }
log_lines() { wc -l <"$(agent_log "$1")"; }

# What a flood scenario measures of the agent (pid $1) before the flood:
# FLOOD_FDS0, FLOOD_MEM0 (RssAnon KiB), FLOOD_LINES0 (agent1's log), and
# HAProxy's node1 counters FLOOD_DOWN0, FLOOD_FAIL0.
flood_before() {
	FLOOD_FDS0=$(fd_count "$1")
	FLOOD_MEM0=$(rss_anon_kib "$1")
	FLOOD_LINES0=$(log_lines 1)
	FLOOD_DOWN0=$(haproxy_stat_field node1 chkdown)
	FLOOD_FAIL0=$(haproxy_stat_field node1 chkfail)
}

# flood_after APID: once the flood has stopped, HAProxy's node1 since
# flood_before (FLOOD_STATUS, FLOOD_DOWN, FLOOD_FAILED), whether the agent
# gave its descriptors back within 10 s (FLOOD_RELEASED 0/1), its memory
# then (FLOOD_MEM2) and the log lines it wrote (FLOOD_LINES).
flood_after() {
	local apid=$1
	FLOOD_STATUS=$(haproxy_stat_field node1 status)
	FLOOD_DOWN=$(($(haproxy_stat_field node1 chkdown) - FLOOD_DOWN0))
	FLOOD_FAILED=$(($(haproxy_stat_field node1 chkfail) - FLOOD_FAIL0))
	echo "HAProxy node1: status $FLOOD_STATUS, $FLOOD_DOWN UP->DOWN, $FLOOD_FAILED failed checks during the flood" >&2
	_released() { local n; n=$(fd_count "$apid"); echo "agent fds $n (was $FLOOD_FDS0)"; ((n <= FLOOD_FDS0 + 2)); }
	FLOOD_RELEASED=0
	wait_until 10 "the flood's connections to be released" _released && FLOOD_RELEASED=1
	FLOOD_MEM2=$(rss_anon_kib "$apid")
	FLOOD_LINES=$(($(log_lines 1) - FLOOD_LINES0))
}

# flood_assert WHAT BASE DURING MEM1 LIMIT_KIB APID: what every flood
# scenario requires: HAProxy never took node1 out, every check of DURING
# (loadgen's line) was a 200 within P99_MAX_US at p99, memory grew by at
# most LIMIT_KIB during and after, the descriptors came back, and the log
# stayed short.
flood_assert() {
	local what=$1 base=$2 during=$3 mem1=$4 limit=$5 apid=$6 before checks
	((FLOOD_DOWN == 0)) || fail "HAProxy marked node1 DOWN $FLOOD_DOWN times during the flood"
	[[ $FLOOD_STATUS == UP ]] || fail "HAProxy node1 is $FLOOD_STATUS after the flood"
	checks=$(lg_field checks "$during")
	[[ $(lg_field errors "$during") == 0 && $(lg_field 2xx "$during") == "$checks" ]] ||
		fail "$what during the flood not all answered 200: $during"
	# 50 ms is the requirement. When the machine alone (no flood, same
	# run) already takes more than half of it, the bound is twice what it
	# took: a flood that blocks the checks costs seconds, not a factor of two.
	before=$(lg_field p99_us "$base")
	if ((2 * before > P99_MAX_US)); then
		echo "note: p99 without a flood is already $before us on this machine; bound raised to $((2 * before)) us" >&2
		P99_MAX_US=$((2 * before))
	fi
	assert_le "$(lg_field p99_us "$during")" "$P99_MAX_US" "$what latency p99 during the flood (us)"
	assert_le $((mem1 - FLOOD_MEM0)) "$limit" "agent private memory growth during the flood (KiB)"
	((FLOOD_RELEASED)) || fail "the flood's connections were not released: $(fd_count "$apid") fds, $FLOOD_FDS0 before"
	assert_le $((FLOOD_MEM2 - FLOOD_MEM0)) "$limit" "agent private memory after the flood vs before (KiB)"
	assert_le "$FLOOD_LINES" 30 "agent log lines written during the flood"
}
