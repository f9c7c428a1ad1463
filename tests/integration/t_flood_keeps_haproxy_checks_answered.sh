# shellcheck shell=bash
# A connection flood does not take a healthy node out of HAProxy: 5,000
# connections from 50 other addresses (half idle, half sending a header line
# a second, each reopened as soon as the agent closes it) plus 128 idle ones
# from HAProxy's own address, held for 30 s. HAProxy checks every 300 ms
# with a 1 s timeout and fall 2: it never marks the node down; checks from
# HAProxy's address are answered within 50 ms (p99); the agent's descriptors
# and memory stay bounded and come back to where they were.
source "$CCK_REPO/tests/integration/flood.sh"
need_flood
# The issue's figures; a smaller box may lower them (>= 2,000 from >= 20
# addresses still fills far more than the former 1,024 slots).
CONNS=${FLOOD_CONNS:-5000}
ADDRS=${FLOOD_ADDRS:-50}
SECS=${FLOOD_SECONDS:-30}
P99_MAX_US=50000

agent_start 1
apid=$(agent_pid 1)
port=${AGENT_PORT[1]}
HAPROXY_SERVER_OPTS="inter 300 rise 2 fall 2" HAPROXY_TIMEOUT_CHECK=1s haproxy_start
on_exit haproxy_stop
wait_haproxy_status node1 UP 10

base=$("$LOADGEN" -p "$port" -c 2 -r 20 -d 5)
echo "checks before the flood: $base" >&2
flood_before "$apid"
fds0=$FLOOD_FDS0

flood_start "$CCK_LOGDIR/flood-slow.out" -p "$port" -n $((CONNS / 2)) -a $((ADDRS / 2)) -s 127.0.0.2 -m slow -d "$SECS"
slow=$REPLY
flood_start "$CCK_LOGDIR/flood-idle.out" -p "$port" -n $((CONNS - CONNS / 2)) -a $((ADDRS - ADDRS / 2)) \
	-s "127.0.0.$((2 + ADDRS / 2))" -m idle -d "$SECS"
idle=$REPLY
flood_start "$CCK_LOGDIR/flood-lb.out" -p "$port" -n 128 -a 1 -s 127.0.0.1 -m idle -d "$SECS"
lb=$REPLY
want=$((fds0 + (CONNS + 128) * 9 / 10))
_held() { local n; n=$(fd_count "$apid"); echo "agent fds $n, want $want"; ((n >= want)); }
# Not fatal: an agent that cannot hold the flood must still fail below,
# on what its checkers see.
wait_until 10 "the agent to hold the flood" _held || true
fds_peak=$(fd_count "$apid")

# Checks at 20/s, each on a new connection from HAProxy's own address, for
# most of the flood; HAProxy checks on its own meanwhile.
during=$("$LOADGEN" -p "$port" -c 2 -r 20 -d $((SECS - 8)))
echo "checks during the flood: $during" >&2
mem1=$(rss_anon_kib "$apid")
n=$(fd_count "$apid")
((n > fds_peak)) && fds_peak=$n
wait "$slow" "$idle" "$lb" || true
for f in slow idle lb; do echo "flood $f: $(cat "$CCK_LOGDIR/flood-$f.out")" >&2; done

flood_after "$apid"
echo "FIGURES: $CONNS+128 connections from $ADDRS+1 addresses for ${SECS}s; check p99 $(lg_field p99_us "$during") us (before: $(lg_field p99_us "$base") us), max $(lg_field max_us "$during") us; HAProxy UP->DOWN $FLOOD_DOWN, failed checks $FLOOD_FAILED; agent fds $fds0 / $fds_peak / $(fd_count "$apid"), RssAnon $FLOOD_MEM0 / $mem1 / $FLOOD_MEM2 KiB (before / during / after); $FLOOD_LINES log lines" >&2

limit=$((8 * 1024))
sanitized && limit=$((64 * 1024))
flood_assert checks "$base" "$during" "$mem1" "$limit" "$apid"
held=$(lg_field held_min "$(cat "$CCK_LOGDIR/flood-idle.out")")
((held >= (CONNS - CONNS / 2) * 9 / 10)) || fail "the idle flood was not held (at least $held open at any time)"
expect_http "$port" 200 '^Galera node is synced\.' 2 "agent1 after the flood" >/dev/null
assert_agent_same 1 "$apid"
