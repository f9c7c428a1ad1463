#!/usr/bin/env bash
# bench_tls.sh: what a check costs over HTTPS against plain HTTP, in the
# same run: the agent's CPU per check, saturated checks/s and latency at a
# steady rate, one new TCP connection per check (bench/loadgen, -t for
# HTTPS, -R to offer the previous session back). Certificates: ECDSA P-256
# and RSA 2048, made here with openssl. The agent answers from memory
# whatever mysqld says, so no mysqld is started (its answers are 503: the
# same code path as 200). Prints a table; nothing passes or fails.
#
#   make bench      or      bash bench/bench_tls.sh
#
# Every process started here is stopped by its pid on exit.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export CCK_REPO=${CCK_REPO:-$(cd "$BENCH_DIR/.." && pwd)}
# shellcheck source=tests/integration/lib.sh
source "${CCK_LIB:-$CCK_REPO/tests/integration/lib.sh}"

LOADGEN=${LOADGEN:-$CCK_REPO/build/loadgen}
SECONDS_EACH=${SECONDS_EACH:-8}
STEADY_RATE=${STEADY_RATE:-50}
for tool in "$LOADGEN" "$CCK_BIN"; do
	[[ -x $tool ]] || { echo "bench_tls: $tool not built (make bench builds it)" >&2; exit 2; }
done
trap cck_cleanup EXIT
trap 'exit 130' INT TERM HUP

say() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
field() { [[ $2 =~ (^| )$1=([^ ]*) ]] && echo "${BASH_REMATCH[2]}"; }
ms() { awk -v u="$1" 'BEGIN { printf "%.2f", u / 1000 }'; }
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
cck_init
CCK_TMP=$CCK_TMP
export CCK_LOGDIR=$CCK_TMP/logs
mkdir -p "$CCK_LOGDIR"
D=$CCK_TMP/tls
mkdir -p "$D"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=bench-ca \
	-keyout "$D/ca.key" -out "$D/ca.pem" 2>/dev/null
for kind in ec rsa; do
	if [[ $kind == ec ]]; then newkey=(-newkey ec -pkeyopt ec_paramgen_curve:P-256); else newkey=(-newkey rsa:2048); fi
	(umask 077; openssl req "${newkey[@]}" -nodes -subj /CN=localhost -keyout "$D/$kind.key" -out "$D/$kind.csr" 2>/dev/null)
	printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$D/ext"
	openssl x509 -req -in "$D/$kind.csr" -CA "$D/ca.pem" -CAkey "$D/ca.key" -CAcreateserial -days 2 \
		-extfile "$D/ext" -out "$D/$kind.pem" 2>/dev/null
done

PORT=$(cck_spare_port 1)
APID=
start_agent() { # start_agent NAME [CERT_KIND]
	local conf=$CCK_TMP/$1.conf
	{
		echo "listen = \"127.0.0.1:$PORT\";"
		echo "ctl = { socket = \"\"; };"
		echo "drain = { seconds = 0; };"
		echo "mysql = { socket = \"$CCK_TMP/no-mysqld.sock\"; };"
		[[ -z ${2:-} ]] || echo "http = { tls = { cert = \"$D/$2.pem\"; key = \"$D/$2.key\"; }; };"
	} >"$conf"
	_spawn "$CCK_LOGDIR/$1.log" "$CCK_BIN" --config "$conf"
	APID=$!
	echo "$APID" >"$CCK_TMP/agent-$1.pid"
	wait_until 10 "the agent to listen" _listening >/dev/null
}
_listening() { [[ $(http_code "$PORT") != 000 ]]; }
stop_agent() { stop_pidfile "$CCK_TMP/agent-$1.pid" 10; }

rows=()
# measure NAME [loadgen TLS args]
measure() {
	local name=$1 c0 sat steady cpu
	shift
	c0=$(ticks "$APID")
	sat=$("$LOADGEN" -p "$PORT" "$@" -c 4 -d "$SECONDS_EACH")
	cpu=$(awk -v t=$(($(ticks "$APID") - c0)) -v hz="$HZ" -v n="$(field checks "$sat")" 'BEGIN { printf "%.2f", 1000 * t / hz / n }')
	steady=$("$LOADGEN" -p "$PORT" "$@" -c 2 -r "$STEADY_RATE" -d "$SECONDS_EACH")
	local resumed=–
	(($#)) && resumed="$(field resumed "$steady") of $(field checks "$steady")"
	rows+=("| $name | $cpu | $(field rate "$sat") | $(ms "$(field p50_us "$steady")") / $(ms "$(field p99_us "$steady")") | $resumed |")
	say "$name: saturated: $sat"
	say "$name: steady: $steady"
}

start_agent plain
measure "plain HTTP"
stop_agent plain
for kind in ec rsa; do
	start_agent "$kind" "$kind"
	label=$([[ $kind == ec ]] && echo "ECDSA P-256" || echo "RSA 2048")
	measure "HTTPS, $label, full handshake" -t "$D/ca.pem"
	measure "HTTPS, $label, session offered back (-R)" -t "$D/ca.pem" -R
	stop_agent "$kind"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

cat <<EOT

## A check over HTTPS against plain HTTP (same run)

Machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(uname -r); load average $load_before before, $load_after after. One new TCP connection (and TLS handshake) per check, bench/loadgen (GnuTLS client, default priorities: TLS 1.3) on the same cores; saturated = 4 clients closed loop for ${SECONDS_EACH} s, steady = $STEADY_RATE checks/s. $(date -u '+%F %H:%M UTC').

| check | agent CPU per check, ms | checks/s saturated | latency p50 / p99 at $STEADY_RATE/s, ms | handshakes resumed |
|---|---:|---:|---:|---:|
$(printf '%s\n' "${rows[@]}")
EOT
