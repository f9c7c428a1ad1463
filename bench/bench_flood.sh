#!/usr/bin/env bash
# bench_flood.sh: check latency under a connection flood against the same
# checks with no flood, in the same run, on one Galera node. The flood is
# bench/flood: FLOOD_CONNS connections from FLOOD_ADDRS loopback addresses
# (127.0.0.2 ...), each reopened as soon as the agent closes it, held for
# FLOOD_SECONDS; the checks come from 127.0.0.1 (bench/loadgen, a new
# connection per check, open-loop at CHECK_RATE/s). Prints a table; nothing
# passes or fails on a number.
#
#   make bench      or      bash bench/bench_flood.sh
#
# Every process started here is stopped by its pid on exit.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

FLOOD=${FLOOD:-$CCK_REPO/build/flood}
FLOOD_CONNS=${FLOOD_CONNS:-5000}
FLOOD_ADDRS=${FLOOD_ADDRS:-50}
FLOOD_SECONDS=${FLOOD_SECONDS:-30}
CHECK_RATE=${CHECK_RATE:-50}

for tool in "$LOADGEN" "$FLOOD" "$CCK_BIN"; do
	[[ -x $tool ]] || { echo "bench_flood: $tool not built (make bench builds it)" >&2; exit 2; }
done
trap cck_cleanup EXIT
trap 'exit 130' INT TERM HUP

field() { [[ $2 =~ (^| )$1=([^ ]*) ]] && echo "${BASH_REMATCH[2]}"; }
ms() { awk -v u="$1" 'BEGIN { printf "%.2f", u / 1000 }'; }
fds() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 | wc -l; }
anon() { awk '/^RssAnon:/ { print $2 }' "/proc/$1/status"; }
vmrss() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)

load_before=$(bench_load)
bench_node_and_agent
PORT=${AGENT_PORT[1]}
APID=$(agent_pid 1)
LOG=$CCK_LOGDIR/agent1.log

rows=()
# run NAME FLOOD_ARGS...: checks for FLOOD_SECONDS - 6 s while the flood is
# held (from its 3rd second), with the agent's resources before, at the
# peak and after; no flood arguments = the baseline.
run() {
	local name=$1 fpids=() f0 m0 v0 l0 c0 cpu peak=0 n m1 r out held="" i
	shift
	f0=$(fds "$APID"); m0=$(anon "$APID"); v0=$(vmrss "$APID"); l0=$(wc -l <"$LOG"); c0=$(ticks "$APID")
	i=0
	while (($#)); do
		local args=()
		while (($#)) && [[ $1 != -- ]]; do args+=("$1"); shift; done
		(($#)) && shift
		"$FLOOD" -p "$PORT" "${args[@]}" -d "$FLOOD_SECONDS" >"$CCK_TMP/flood-$name-$i.out" 2>/dev/null &
		fpids+=($!)
		i=$((i + 1))
	done
	((${#fpids[@]})) && sleep 3
	r=$("$LOADGEN" -p "$PORT" -c 4 -r "$CHECK_RATE" -d $((FLOOD_SECONDS - 6)))
	n=$(fds "$APID"); m1=$(anon "$APID")
	((n > peak)) && peak=$n
	for p in "${fpids[@]}"; do wait "$p" || true; done
	cpu=$(awk -v t=$(($(ticks "$APID") - c0)) -v hz="$HZ" -v s="$FLOOD_SECONDS" 'BEGIN { printf "%.1f%%", 100 * t / hz / s }')
	for ((i = 0; i < ${#fpids[@]}; i++)); do
		out=$(cat "$CCK_TMP/flood-$name-$i.out")
		held+="${held:+ + }$(field held_min "$out")–$(field held_max "$out") ($(field reopened "$out") reopened)"
	done
	wait_until 15 "the agent to release the flood" _back "$f0" >/dev/null 2>&1 || true
	rows+=("| $name | ${held:-–} | $(field checks "$r") ($(field errors "$r") errors, $(field 5xx "$r") 5xx) | $(ms "$(field p50_us "$r")") / $(ms "$(field p99_us "$r")") / $(ms "$(field max_us "$r")") | $f0 / $peak / $(fds "$APID") | $(mib "$m0") / $(mib "$m1") / $(mib "$(anon "$APID")") MiB (VmRSS $(mib "$v0") / $(mib "$(vmrss "$APID")")) | $cpu | $(($(wc -l <"$LOG") - l0)) |")
	say "$name: $r"
}
_back() { (($(fds "$APID") <= $1 + 2)); }

say "baseline: checks at $CHECK_RATE/s, no flood"
run "no flood"
say "idle: $FLOOD_CONNS connections from $FLOOD_ADDRS addresses"
run "idle" -n "$FLOOD_CONNS" -a "$FLOOD_ADDRS" -m idle
say "slow headers: one line a second"
run "slow headers" -n "$FLOOD_CONNS" -a "$FLOOD_ADDRS" -m slow
say "half idle, half slow, plus 128 idle from the checker's own address"
run "mixed + 128 from the checker's address" -n $((FLOOD_CONNS / 2)) -a $((FLOOD_ADDRS / 2)) -m slow -- \
	-n $((FLOOD_CONNS / 2)) -a $((FLOOD_ADDRS / 2)) -s "127.0.0.$((2 + FLOOD_ADDRS / 2))" -m idle -- \
	-n 128 -a 1 -s 127.0.0.1 -m idle
load_after=$(bench_load)

cat <<EOF

## Checks under a connection flood (one node, same run)

Machine: $(bench_machine); load average $load_before before, $load_after after.
Flood: bench/flood, each connection reopened as soon as the agent closes it, ${FLOOD_SECONDS} s; checks from 127.0.0.1 at $CHECK_RATE/s (bench/loadgen, 4 clients, new connection each) for the middle $((FLOOD_SECONDS - 6)) s. Agent defaults (http.timeout 5 s, max_connections 16384, max_connections_per_ip 128). Flood tool, load generator, mysqld and agent share the cores. $(date -u '+%F %H:%M UTC').

| flood | connections held (min–max) | checks | check latency p50 / p99 / max, ms | agent fds before / during / after | agent RssAnon before / during / after | agent CPU (of one core) | log lines |
|---|---|---:|---:|---:|---:|---:|---:|
$(printf '%s\n' "${rows[@]}")
EOF
