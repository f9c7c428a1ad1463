# shellcheck shell=bash
# Slowloris: 1,000 connections that each send a request one header line a
# second and never finish it. Checks from another client are still answered
# within 50 ms, the agent's memory stays bounded, and every held connection
# is released afterwards (fds back to where they were).
source "$CCK_REPO/tests/integration/hardening.sh"
need_loadgen
HOLD=1000
# 1,000 slow clients plus room for real checks; one address (loopback) for
# all, so no per-address limit. http.timeout is a total deadline for the
# request head: 30 s keeps all of them held for the whole run (the deadline
# itself is t_flood_keeps_haproxy_checks_answered's business).
ulimit -n 4096
AGENT_EXTRA_CONF='http = { max_connections = 1100; max_connections_per_ip = 0; timeout = 30; };' agent_start 1
port=${AGENT_PORT[1]}
apid=$(agent_pid 1)
expect_http "$port" 200 '^Galera node is synced\.' 5 "agent1 before" >/dev/null
fds0=$(fd_count "$apid")
mem0=$(rss_anon_kib "$apid")

"$LOADGEN" -p "$port" -H "$HOLD" -d 12 >"$CCK_LOGDIR/slowloris.out" 2>&1 &
slow=$!
on_exit "stop_pid $slow 5 slowloris"
_held() { local n; n=$(fd_count "$apid"); echo "agent fds $n"; ((n >= fds0 + HOLD)); }
wait_until 8 "agent to hold $HOLD connections" _held

# 40 checks at 20/s, each on a new connection, while all are held.
r=$("$LOADGEN" -p "$port" -c 2 -r 20 -d 2)
echo "checks during slowloris: $r" >&2
[[ $(lg_field 2xx "$r") == 40 && $(lg_field errors "$r") == 0 ]] || fail "checks during slowloris not all 200: $r"
assert_le "$(lg_field max_us "$r")" 50000 "slowest check during slowloris (us)"
n=$(fd_count "$apid")
((n >= fds0 + HOLD)) || fail "the slow connections were not all held during the checks ($n fds)"
mem1=$(rss_anon_kib "$apid")
limit=$((16 * 1024))
sanitized && limit=$((96 * 1024))
assert_le $((mem1 - mem0)) "$limit" "agent private memory growth with $HOLD held connections (KiB)"

wait "$slow" || true
cat "$CCK_LOGDIR/slowloris.out" >&2
_released() { local n; n=$(fd_count "$apid"); echo "agent fds $n (was $fds0)"; ((n <= fds0 + 2)); }
wait_until 10 "held connections to be released" _released
expect_http "$port" 200 '^Galera node is synced\.' 2 "agent1 after the slowloris" >/dev/null
assert_agent_same 1 "$apid"
