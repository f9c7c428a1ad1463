# shellcheck shell=bash
# SIGHUP re-reads http.tls's files: handshakes after it see the new
# certificate, while HTTPS checks running at 50/s throughout get every
# answer (the listener never closes, no connection is refused). A bad new
# key on the next SIGHUP is refused with its file:line, and the running
# certificate stays.
source "$CCK_REPO/tests/integration/flood.sh"
source "$CCK_REPO/tests/integration/tls.sh"
need_loadgen
tls_ca good
tls_cert first good 30 first
tls_cert second good 30 second
tls_cert third good 30 third
cp "$TLS_DIR/first.pem" "$TLS_DIR/serving.pem"
cp "$TLS_DIR/first.key" "$TLS_DIR/serving.key"
AGENT_EXTRA_CONF=$(tls_conf serving) agent_start 1
port=${AGENT_PORT[1]}
apid=$(agent_pid 1)
log=$(agent_log 1)
[[ $(tls_subject "$port") == "subject=CN=first" ]] || fail "the agent serves $(tls_subject "$port"), want CN=first"

"$LOADGEN" -p "$port" -t "$TLS_DIR/good-ca.pem" -c 2 -r 50 -d 8 >"$CCK_TMP/load.out" 2>&1 &
load=$!
on_exit "stop_pid $load 5 loadgen"
# The agent's own count of answers to / (over HTTPS too).
_answered() {
	local n
	n=$(https_get "$port" /metrics good | grep -o 'requests_total{endpoint="/",code="200"} [0-9]*' | awk '{ print $2 }')
	echo "${n:-0} answered"
	((${n:-0} >= $1))
}
wait_until 5 "HTTPS checks to be answered" _answered 50 || fail "the HTTPS checks do not get answers"

cp "$TLS_DIR/second.pem" "$TLS_DIR/serving.pem"
cp "$TLS_DIR/second.key" "$TLS_DIR/serving.key"
kill -HUP "$apid"
_serves() { local s; s=$(tls_subject "$port"); echo "serves $s"; [[ $s == "subject=CN=$1" ]]; }
wait_until 5 "new handshakes to see CN=second" _serves second || fail "SIGHUP did not bring the new certificate"
grep -q 'reload: now serving CN=second' "$log" || fail "the reload is not logged"

# A key that is not the certificate's: refused at its line, CN=second stays.
cp "$TLS_DIR/third.key" "$TLS_DIR/serving.key"
kill -HUP "$apid"
_refused() { grep -q "agent1.conf:[0-9]*: http.tls.key: $TLS_DIR/serving.key does not match the certificate" "$log"; }
wait_until 5 "the bad key to be refused" _refused || fail "the bad key on SIGHUP was not refused with its file:line"
grep -q 'reload failed: keeping the running configuration' "$log" || fail "the refused reload does not say what it kept"
_serves second || fail "after a refused reload the agent serves $(tls_subject "$port")"
pid_alive "$load" || fail "the checks ended before both reloads were done: the test proves nothing"

wait "$load" || true
out=$(cat "$CCK_TMP/load.out")
echo "HTTPS checks across the reloads: $out" >&2
checks=$(lg_field checks "$out")
((checks >= 300)) || fail "too few HTTPS checks ran across the reloads: $out"
[[ $(lg_field errors "$out") == 0 && $(lg_field 2xx "$out") == "$checks" ]] ||
	fail "HTTPS checks failed across the reloads: $out"
assert_agent_same 1 "$apid"
