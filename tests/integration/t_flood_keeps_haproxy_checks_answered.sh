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
down0=$(haproxy_stat_field node1 chkdown)
fail0=$(haproxy_stat_field node1 chkfail)

base=$("$LOADGEN" -p "$port" -c 2 -r 20 -d 5)
echo "checks before the flood: $base" >&2
fds0=$(fd_count "$apid")
mem0=$(rss_anon_kib "$apid")
lines0=$(log_lines 1)

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

status=$(haproxy_stat_field node1 status)
down=$(($(haproxy_stat_field node1 chkdown) - down0))
failed=$(($(haproxy_stat_field node1 chkfail) - fail0))
echo "HAProxy node1: status $status, $down UP->DOWN, $failed failed checks during the flood" >&2
_released() { local n; n=$(fd_count "$apid"); echo "agent fds $n (was $fds0)"; ((n <= fds0 + 2)); }
released=0
wait_until 10 "the flood's connections to be released" _released && released=1
mem2=$(rss_anon_kib "$apid")
lines=$(($(log_lines 1) - lines0))
echo "FIGURES: $CONNS+128 connections from $ADDRS+1 addresses for ${SECS}s; check p99 $(lg_field p99_us "$during") us (before: $(lg_field p99_us "$base") us), max $(lg_field max_us "$during") us; HAProxy UP->DOWN $down, failed checks $failed; agent fds $fds0 / $fds_peak / $(fd_count "$apid"), RssAnon $mem0 / $mem1 / $mem2 KiB (before / during / after); $lines log lines" >&2

((down == 0)) || fail "HAProxy marked node1 DOWN $down times during the flood"
[[ $status == UP ]] || fail "HAProxy node1 is $status after the flood"
checks=$(lg_field checks "$during")
[[ $(lg_field errors "$during") == 0 && $(lg_field 2xx "$during") == "$checks" ]] ||
	fail "checks during the flood not all answered 200: $during"
# 50 ms is the requirement. When the machine alone (no flood, same run)
# already takes more than half of it, the bound is twice what it took:
# without the fix a flood costs seconds, not a factor of two.
before=$(lg_field p99_us "$base")
if ((2 * before > P99_MAX_US)); then
	echo "note: p99 without a flood is already $before us on this machine; bound raised to $((2 * before)) us" >&2
	P99_MAX_US=$((2 * before))
fi
assert_le "$(lg_field p99_us "$during")" "$P99_MAX_US" "check latency p99 during the flood (us)"
held=$(lg_field held_min "$(cat "$CCK_LOGDIR/flood-idle.out")")
((held >= (CONNS - CONNS / 2) * 9 / 10)) || fail "the idle flood was not held (at least $held open at any time)"
limit=$((8 * 1024))
sanitized && limit=$((64 * 1024))
assert_le $((mem1 - mem0)) "$limit" "agent private memory growth during the flood (KiB)"
((released)) || fail "the flood's connections were not released: $(fd_count "$apid") fds, $fds0 before"
assert_le $((mem2 - mem0)) "$limit" "agent private memory after the flood vs before (KiB)"
assert_le "$lines" 30 "agent log lines written during the flood"
expect_http "$port" 200 '^Galera node is synced\.' 2 "agent1 after the flood" >/dev/null
assert_agent_same 1 "$apid"
