#!/usr/bin/env bash
# bench_daemon.sh: clustercheckd against the clustercheck baseline
# (bench/baseline/clustercheck.sh under a real xinetd), side by side, on the
# same single-node Galera cluster, in the same run. Prints a table; nothing
# here passes or fails on a number (speed is measured, not asserted).
#
#   make bench                     (builds ./clustercheckd and build/loadgen)
#   BENCH_SECONDS=5 BENCH_CHECKS=1000000 bash bench/bench_daemon.sh
#
# Traffic goes to 127.0.0.1 only. Every process started here is stopped by
# its pid on exit, pass or fail.
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BENCH_SECONDS=${BENCH_SECONDS:-5}      # each throughput / latency point
BENCH_CHECKS=${BENCH_CHECKS:-1000000}  # for the RSS-after figure
BENCH_CLIENTS=${BENCH_CLIENTS:-16}
BASELINE_CLIENTS=${BASELINE_CLIENTS:-8}
REPEATS=${BENCH_REPEATS:-5}            # state-change timings
PROBE=$'OPTIONS / HTTP/1.0\r\nconnection: close\r\ncontent-length: 0\r\n\r\n'

for tool in "$LOADGEN" "$CCK_BIN"; do
	[[ -x $tool ]] || { echo "bench_daemon: $tool not built (make bench builds it)" >&2; exit 2; }
done
command -v xinetd >/dev/null || { echo "bench_daemon: xinetd missing (scripts/deps.sh)" >&2; exit 2; }

trap cck_cleanup EXIT
trap 'exit 130' INT TERM HUP


# ---------------------------------------------------------------- setup

# clustercheck as deployed: xinetd runs bash + the mysql client per check,
# over TCP to the node (as measured in galera-lab.md), xinetd's own limits
# lifted (xinetd_start) so that the baseline is measured at its best.
bench_baseline_start() {
	local port=$1 cnf=$CCK_TMP/baseline.cnf
	(
		umask 077
		printf '[client]\nuser=%s\npassword=%s\nhost=127.0.0.1\nport=%s\n' \
			"$CCK_DB_USER" "$CCK_DB_PASS" "${NODE_PORT[1]}" >"$cnf"
	)
	xinetd_start cck_baseline "$port" /bin/bash "$CCK_REPO/bench/baseline/clustercheck.sh" "$cnf" || return 1
	if ! wait_until 10 "the baseline to answer 200 on port $port" _answers_200 "$port"; then
		tail -n 5 "$CCK_TMP"/xinetd-cck_baseline.* >&2 || true
		http_raw "$port" 'GET / HTTP/1.0\r\n\r\n' >&2
		bash -x "$CCK_REPO/bench/baseline/clustercheck.sh" "$cnf" </dev/null >&2 || true
		return 1
	fi
}

_answers_200() { [[ $(http_code "$1") == 200 ]]; }

# ---------------------------------------------------------------- helpers

# loadgen PORT ARGS... -> key=value line, fields read with field NAME
lg() {
	local port=$1
	shift
	"$LOADGEN" -p "$port" "$@"
}
field() { local k=$1 line=$2; [[ $line =~ (^| )$k=([^ ]*) ]] && echo "${BASH_REMATCH[2]}"; }
us_to_ms() { awk -v u="$1" 'BEGIN { printf "%.2f", u / 1000 }'; }

# Status of one check, without forking (bash /dev/tcp), in $REPLY.
probe_status() {
	local port=$1 line fd
	REPLY=000
	exec {fd}<>"/dev/tcp/127.0.0.1/$port" 2>/dev/null || return 0
	printf '%s' "$PROBE" >&"$fd"
	read -r -t 15 line <&"$fd" || true
	exec {fd}>&-
	[[ $line =~ ^HTTP/1\.[01]\ ([0-9]{3}) ]] && REPLY=${BASH_REMATCH[1]}
	return 0
}

# ms until PORT answers CODE (checks back to back), or "> LIMIT_S s".
ms_until() {
	local port=$1 want=$2 limit=$3 t0
	now_ms; t0=$REPLY
	while :; do
		probe_status "$port"
		if [[ $REPLY == "$want" ]]; then
			now_ms
			echo $((REPLY - t0))
			return 0
		fi
		now_ms
		if ((REPLY - t0 > limit * 1000)); then
			echo "> ${limit} s"
			return 0
		fi
	done
}

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)]; else print "?" }'; }
maximum() { sort -n | tail -n 1; }

# Connections and Questions of node 1; each read itself costs mysqld one
# connection and one question, subtracted here.
counters() {
	local out c q
	out=$(node_sql 1 "SHOW GLOBAL STATUS WHERE Variable_name IN ('Connections','Questions')")
	c=$(awk '$1 == "Connections" { print $2 }' <<<"$out")
	q=$(awk '$1 == "Questions" { print $2 }' <<<"$out")
	echo "$c $q"
}

# mysqld_cost PORT RATE SECONDS -> "checks conns queries" seen by mysqld
mysqld_cost() {
	local port=$1 rate=$2 secs=$3 before after r
	before=$(counters)
	r=$(lg "$port" -c 8 -r "$rate" -d "$secs")
	after=$(counters)
	read -r c0 q0 <<<"$before"
	read -r c1 q1 <<<"$after"
	echo "$(field checks "$r") $((c1 - c0 - 1)) $((q1 - q0 - 1))"
}

rss() { # PID -> "VmRSS RssAnon Pss" in KiB
	local pid=$1 vm anon pss
	vm=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
	anon=$(awk '/^RssAnon:/ { print $2 }' "/proc/$pid/status")
	pss=$(awk '/^Pss:/ { print $2 }' "/proc/$pid/smaps_rollup")
	echo "$vm $anon $pss"
}
kib_to_mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f×", a / b; else print "–" }'; }

# ---------------------------------------------------------------- run

load_before=$(bench_load)
bench_node_and_agent
AGENT=${AGENT_PORT[1]}
APID=$(agent_pid 1)
BASE=$(cck_spare_port 1)
bench_baseline_start "$BASE"
wait_until 10 "the agent to answer 200" _answers_200 "$AGENT"
read -r rss0_vm rss0_anon rss0_pss <<<"$(rss "$APID")"

say "one check, wall time (median of 21, curl)"
one_check_ms() {
	local port=$1 i
	for i in $(seq 21); do
		curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port/"
	done | awk '{ printf "%.2f\n", $1 * 1000 }' | median
}
one_agent=$(one_check_ms "$AGENT")
one_base=$(one_check_ms "$BASE")

say "saturation: new connection per check, $BENCH_CLIENTS clients (agent), $BASELINE_CLIENTS (baseline), ${BENCH_SECONDS}s each"
sat_agent=$(lg "$AGENT" -c "$BENCH_CLIENTS" -d "$BENCH_SECONDS")
sat_agent8=$(lg "$AGENT" -c 8 -d "$BENCH_SECONDS")
sat_base=$(lg "$BASE" -c "$BASELINE_CLIENTS" -d "$BENCH_SECONDS")

say "latency at a steady 1,000 checks/s (agent) and 50 checks/s (baseline)"
lat_agent=$(lg "$AGENT" -c 8 -r 1000 -d $((BENCH_SECONDS * 2)))
lat_base=$(lg "$BASE" -c 8 -r 50 -d $((BENCH_SECONDS * 2)))

say "wrk -H 'Connection: close': does it reconnect per request?"
wrk_line="wrk not installed"
if command -v wrk >/dev/null; then
	opens0=$(awk '/^Tcp:/ { if (h) print $6; h = 1 }' /proc/net/snmp)
	wrk_out=$(wrk -t 2 -c 16 -d 3s -H 'Connection: close' "http://127.0.0.1:$AGENT/" 2>&1)
	opens1=$(awk '/^Tcp:/ { if (h) print $6; h = 1 }' /proc/net/snmp)
	wrk_reqs=$(awk '/requests in/ { print $1 }' <<<"$wrk_out")
	wrk_rps=$(awk '/Requests\/sec/ { printf "%.0f", $2 }' <<<"$wrk_out")
	wrk_line="$wrk_reqs requests, $((opens1 - opens0)) TCP passive opens machine-wide in the same 3 s ($wrk_rps req/s)"
fi

say "mysqld's view: connections and queries during checks"
idle0=$(counters); sleep "$BENCH_SECONDS"; idle1=$(counters)
read -r ic0 iq0 <<<"$idle0"; read -r ic1 iq1 <<<"$idle1"
idle_q=$((iq1 - iq0 - 1)); idle_c=$((ic1 - ic0 - 1))
read -r _ a_lo_c a_lo_q <<<"$(mysqld_cost "$AGENT" 200 "$BENCH_SECONDS")"
read -r a_hi_n a_hi_c a_hi_q <<<"$(mysqld_cost "$AGENT" 2000 "$BENCH_SECONDS")"
read -r b_n b_c b_q <<<"$(mysqld_cost "$BASE" 50 "$BENCH_SECONDS")"
per1k() { awk -v x="$1" -v n="$2" 'BEGIN { if (n > 0) printf "%.0f", x * 1000 / n; else print "?" }'; }
per_s() { awk -v x="$1" -v s="$BENCH_SECONDS" 'BEGIN { printf "%.1f", x / s }'; }

say "state change -> 503: SET GLOBAL wsrep_desync=ON ($REPEATS times)"
desync_agent=() desync_base=()
# Each side gets its own change, timed from the moment SET returned.
for i in $(seq "$REPEATS"); do
	for side in agent base; do
		port=$AGENT
		[[ $side == base ]] && port=$BASE
		node_sql 1 "SET GLOBAL wsrep_desync=ON"
		ms=$(ms_until "$port" 503 15)
		if [[ $side == agent ]]; then desync_agent+=("$ms"); else desync_base+=("$ms"); fi
		node_sql 1 "SET GLOBAL wsrep_desync=OFF"
		wait_until 10 "agent 200 again" _answers_200 "$AGENT"
		wait_until 10 "baseline 200 again" _answers_200 "$BASE"
	done
done

say "mysqld hung -> 503: kill -STOP ($REPEATS times for the agent, once for the baseline)"
stop_agent=()
MPID=$(node_pid 1)
for i in $(seq "$REPEATS"); do
	kill -STOP "$MPID"
	stop_agent+=("$(ms_until "$AGENT" 503 10)")
	kill -CONT "$MPID"
	wait_until 15 "agent 200 again" _answers_200 "$AGENT"
done
kill -STOP "$MPID"
stop_base=$(ms_until "$BASE" 503 30)
kill -CONT "$MPID"
wait_until 30 "baseline 200 again" _answers_200 "$BASE"

say "RSS after $BENCH_CHECKS checks ($BENCH_CLIENTS clients)"
half=$((BENCH_CHECKS / 2))
lg "$AGENT" -c "$BENCH_CLIENTS" -n "$half" -d 600 >/dev/null
read -r rss1_vm rss1_anon rss1_pss <<<"$(rss "$APID")"
lg "$AGENT" -c "$BENCH_CLIENTS" -n "$((BENCH_CHECKS - half))" -d 600 >/dev/null
read -r rss2_vm rss2_anon rss2_pss <<<"$(rss "$APID")"
fds=$(find "/proc/$APID/fd" -mindepth 1 -maxdepth 1 | wc -l)
pid_alive "$APID" || { echo "bench_daemon: the agent died" >&2; exit 1; }
load_after=$(bench_load)

# ---------------------------------------------------------------- table

fmt_list() { local IFS=/; echo "$*"; }
sa=$(field rate "$sat_agent"); sa8=$(field rate "$sat_agent8"); sb=$(field rate "$sat_base")
cat <<EOF

## clustercheckd vs clustercheck (bash + mysql client under xinetd), one node, same run

Machine: $(bench_machine); load average $load_before before, $load_after after.
Generator and agent share the cores. $(date -u '+%F %H:%M UTC').

| measure | clustercheckd | baseline | ratio |
|---|---:|---:|---:|
| checks/s, new TCP connection per check, saturated ($BENCH_CLIENTS / $BASELINE_CLIENTS clients) | $(printf %.0f "$sa") | $(printf %.0f "$sb") | $(ratio "$sa" "$sb") |
| checks/s, same, 8 clients | $(printf %.0f "$sa8") | $(printf %.0f "$sb") | $(ratio "$sa8" "$sb") |
| latency p50 / p99 / max, steady 1,000 checks/s (baseline: 50/s, it cannot hold 1,000) | $(us_to_ms "$(field p50_us "$lat_agent")") / $(us_to_ms "$(field p99_us "$lat_agent")") / $(us_to_ms "$(field max_us "$lat_agent")") ms | $(us_to_ms "$(field p50_us "$lat_base")") / $(us_to_ms "$(field p99_us "$lat_base")") / $(us_to_ms "$(field max_us "$lat_base")") ms | |
| latency p50 / p99 saturated | $(us_to_ms "$(field p50_us "$sat_agent")") / $(us_to_ms "$(field p99_us "$sat_agent")") ms | $(us_to_ms "$(field p50_us "$sat_base")") / $(us_to_ms "$(field p99_us "$sat_base")") ms | |
| one check, wall time (curl, median of 21) | $one_agent ms | $one_base ms | $(ratio "$one_base" "$one_agent") faster |
| errors (all runs above) | $(($(field errors "$sat_agent") + $(field errors "$sat_agent8") + $(field errors "$lat_agent"))) | $(($(field errors "$sat_base") + $(field errors "$lat_base"))) | |
| mysqld connections per 1,000 checks | $(per1k "$a_hi_c" "$a_hi_n") (at 2,000/s) | $(per1k "$b_c" "$b_n") | |
| mysqld queries per 1,000 checks | $(per1k "$a_hi_q" "$a_hi_n") (at 2,000/s) | $(per1k "$b_q" "$b_n") | |
| mysqld queries/s: no checks / 200 checks/s / 2,000 checks/s | $(per_s "$idle_q") / $(per_s "$a_lo_q") / $(per_s "$a_hi_q") | – / – / – | |
| mysqld connections during those windows | $idle_c / $a_lo_c / $a_hi_c | | |
| RSS at rest: VmRSS (anon, PSS) | $(kib_to_mib "$rss0_vm") MiB ($(kib_to_mib "$rss0_anon"), $(kib_to_mib "$rss0_pss")) | a new bash + mysql per check | |
| RSS after $half checks | $(kib_to_mib "$rss1_vm") MiB ($(kib_to_mib "$rss1_anon"), $(kib_to_mib "$rss1_pss")) | | |
| RSS after $BENCH_CHECKS checks (+ the runs above); open fds | $(kib_to_mib "$rss2_vm") MiB ($(kib_to_mib "$rss2_anon"), $(kib_to_mib "$rss2_pss")); $fds fds | | |
| desync → 503, ms (median / max of $REPEATS) | $(printf '%s\n' "${desync_agent[@]}" | median) / $(printf '%s\n' "${desync_agent[@]}" | maximum) | $(printf '%s\n' "${desync_base[@]}" | median) / $(printf '%s\n' "${desync_base[@]}" | maximum) | |
| kill -STOP mysqld → 503, ms | $(printf '%s\n' "${stop_agent[@]}" | median) / $(printf '%s\n' "${stop_agent[@]}" | maximum) (median / max of $REPEATS) | $stop_base (once) | |

Runs: agent $(fmt_list "${desync_agent[@]}") ms after desync, $(fmt_list "${stop_agent[@]}") ms after STOP.
wrk -H 'Connection: close' against the agent: $wrk_line.
Raw: saturated agent: $sat_agent
Raw: saturated baseline: $sat_base
Raw: 1,000/s agent: $lat_agent
EOF
