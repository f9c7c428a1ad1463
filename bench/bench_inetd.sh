#!/bin/bash
# One check's wall time in inetd mode under xinetd, against the baseline
# that behaves like Percona's clustercheck (bench/baseline/clustercheck.sh,
# bash + mysql client per check) under the same xinetd, in the same run,
# against the same node; plus MySQL connections opened per check.
#
#   bench/bench_inetd.sh [N]          N checks per side (default 50)
#
# Starts its own cluster through tests/integration/lib.sh, or uses an
# existing node when BENCH_SOCKET (its unix socket) is set; BENCH_MYSQL is
# then the root client command for it (default: mariadb -uroot --socket=$BENCH_SOCKET).
# Not a timed test: it prints figures and never fails on them.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-50}
WARMUP=5
BIN=$ROOT/clustercheckd
[[ -x $BIN ]] || make -C "$ROOT" -s clustercheckd

# The harness's temp dir, ports, xinetd launcher and cleanup by pid.
# shellcheck source=../tests/integration/lib.sh
source "$ROOT/tests/integration/lib.sh"
trap cck_cleanup EXIT
trap 'exit 130' INT TERM HUP
if [[ -n ${BENCH_SOCKET:-} ]]; then
	cck_init
	SOCK=$BENCH_SOCKET
	MYSQL_ROOT=${BENCH_MYSQL:-mariadb -uroot --socket=$SOCK}
	sql() { $MYSQL_ROOT -NBe "$1"; }
else
	# A private one-node cluster: a check reads only its own node.
	cluster_start_one || { echo "bench_inetd: could not start the node" >&2; exit 1; }
	SOCK=${NODE_SOCK[1]}
	sql() { node_sql 1 "$1"; }
fi
WORK=$CCK_TMP

# One account for both sides, credentials in a defaults file (never argv).
PASS=bench-$RANDOM$RANDOM
sql "CREATE USER IF NOT EXISTS 'benchcheck'@'localhost' IDENTIFIED BY '$PASS';
     ALTER USER 'benchcheck'@'localhost' IDENTIFIED BY '$PASS';"
(umask 077; printf '[client]\nuser=benchcheck\npassword=%s\nsocket=%s\n' "$PASS" "$SOCK" >"$WORK/client.cnf")
(umask 077; cat >"$WORK/ccd.conf" <<CONF
mysql = { user = ""; socket = "$SOCK"; defaults_file = "$WORK/client.cnf"; };
drain = { seconds = 0; };
log = "syslog";
CONF
)

P_OURS=$(cck_spare_port 1)
P_BASE=$(cck_spare_port 2)
P_DAEMON=$(cck_spare_port 3)
xinetd_start bench_ours "$P_OURS" "$BIN" --inetd --config "$WORK/ccd.conf"
xinetd_start bench_baseline "$P_BASE" /bin/bash "$ROOT/bench/baseline/clustercheck.sh" "$WORK/client.cnf"

# For context, the recommended mode: the daemon, answering from memory
# (recorded as agent 9, so that cck_cleanup stops it).
_spawn "$WORK/daemon.log" "$BIN" --config "$WORK/ccd.conf" --listen "127.0.0.1:$P_DAEMON"
echo $! >"$CCK_TMP/agent9.pid"

check() { # port -> prints seconds, fails unless 200
	curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --max-time 5 "http://127.0.0.1:$1/"
}
# Both services must answer 200 before anything is measured.
deadline=$((SECONDS + 15))
until [[ $(check "$P_OURS" 2>/dev/null | cut -d' ' -f1) == 200 &&
	 $(check "$P_BASE" 2>/dev/null | cut -d' ' -f1) == 200 &&
	 $(check "$P_DAEMON" 2>/dev/null | cut -d' ' -f1) == 200 ]]; do
	if ((SECONDS > deadline)); then
		echo "bench_inetd: services did not answer 200 (is the node Synced?)" >&2
		cat "$WORK"/xinetd-bench_*.out "$WORK/daemon.log" >&2
		exit 1
	fi
	sleep 0.1
done

connections() { sql "SHOW GLOBAL STATUS LIKE 'Connections'" | cut -f2; }
# MySQL connections per check: counter delta over a batch, minus the one
# connection each reading of the counter costs.
conns_per_check() { # port count
	local before after
	before=$(connections)
	for ((i = 0; i < $2; i++)); do check "$1" >/dev/null; done
	after=$(connections)
	awk -v a="$after" -v b="$before" -v n="$2" 'BEGIN { printf "%.2f", (a - b - 1) / n }'
}

for ((i = 0; i < WARMUP; i++)); do check "$P_OURS" >/dev/null; check "$P_BASE" >/dev/null; done
# Interleaved so that load from elsewhere on the machine hits both sides alike.
: >"$WORK/ours"
: >"$WORK/base"
: >"$WORK/daemon"
for ((i = 0; i < N; i++)); do
	read -r code t < <(check "$P_OURS"); [[ $code == 200 ]] || { echo "ours answered $code" >&2; exit 1; }
	echo "$t" >>"$WORK/ours"
	read -r code t < <(check "$P_BASE"); [[ $code == 200 ]] || { echo "baseline answered $code" >&2; exit 1; }
	echo "$t" >>"$WORK/base"
	read -r code t < <(check "$P_DAEMON"); [[ $code == 200 ]] || { echo "daemon answered $code" >&2; exit 1; }
	echo "$t" >>"$WORK/daemon"
done
C_OURS=$(conns_per_check "$P_OURS" 20)
C_BASE=$(conns_per_check "$P_BASE" 20)
C_DAEMON=$(conns_per_check "$P_DAEMON" 20)

median_ms() { sort -g "$1" | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f", m * 1000 }'; }
p90_ms() { sort -g "$1" | awk '{ v[NR] = $1 } END { i = int(NR * 0.9 + 0.5); if (i < 1) i = 1; printf "%.2f", v[i] * 1000 }'; }
M_OURS=$(median_ms "$WORK/ours")
M_BASE=$(median_ms "$WORK/base")

echo
echo "One check over HTTP under xinetd, same node, same run (N=$N per side, interleaved, curl %{time_total})"
printf '%-44s %12s %10s %18s\n' "" "median (ms)" "p90 (ms)" "MySQL conn/check"
printf '%-44s %12s %10s %18s\n' "clustercheckd --inetd" "$M_OURS" "$(p90_ms "$WORK/ours")" "$C_OURS"
printf '%-44s %12s %10s %18s\n' "baseline (bash + mysql client, clustercheck)" "$M_BASE" "$(p90_ms "$WORK/base")" "$C_BASE"
M_DAEMON=$(median_ms "$WORK/daemon")
printf '%-44s %12s %10s %18s\n' "(for context) clustercheckd daemon" "$M_DAEMON" "$(p90_ms "$WORK/daemon")" "$C_DAEMON"
awk -v b="$M_BASE" -v o="$M_OURS" -v d="$M_DAEMON" 'BEGIN {
	printf "speed-up, inetd mode (baseline median / ours): %.1fx (target >= 4x)\n", b / o
	printf "speed-up, daemon (baseline median / daemon):   %.1fx\n", b / d }'
