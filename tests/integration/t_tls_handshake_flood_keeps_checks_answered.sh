# shellcheck shell=bash
# On an HTTPS port, a flood of TLS clients does not take a healthy node
# out of HAProxy nor slow the checks: 2,000 connections from 20 addresses
# that send a ClientHello and stall mid-handshake (reopened when closed),
# 8 clients from one address doing 100 full handshakes a second, 1,000
# connections a second from 10 addresses sending garbage (each closed at
# once; the flood tools share the 2 cores, so they are paced rather than
# looping as fast as the machine goes), and 128 idle ones from the
# checkers' own address, for 20 s. HAProxy checks over TLS (verify
# required) every 300 ms with a 1 s timeout and fall 2: never DOWN.
# HTTPS checks from the checkers' address are answered within 50 ms
# (p99); the agent's descriptors and memory stay bounded and come back.
source "$CCK_REPO/tests/integration/flood.sh"
source "$CCK_REPO/tests/integration/tls.sh"
need_flood
SECS=${FLOOD_SECONDS:-20}
P99_MAX_US=50000
tls_ca good
tls_cert agent good 30 localhost
CA=$TLS_DIR/good-ca.pem

AGENT_EXTRA_CONF=$(tls_conf agent) agent_start 1
apid=$(agent_pid 1)
port=${AGENT_PORT[1]}
HAPROXY_SERVER_OPTS="check-ssl verify required ca-file $CA inter 300 rise 2 fall 2" HAPROXY_TIMEOUT_CHECK=1s haproxy_start
on_exit haproxy_stop
wait_haproxy_status node1 UP 10

base=$("$LOADGEN" -p "$port" -t "$CA" -c 2 -r 20 -d 5)
echo "HTTPS checks before the flood: $base" >&2
flood_before "$apid"
fds0=$FLOOD_FDS0

flood_start "$CCK_LOGDIR/flood-hello.out" -p "$port" -n 2000 -a 20 -s 127.0.0.2 -m hello -d "$SECS"
hello=$REPLY
flood_start "$CCK_LOGDIR/flood-garbage.out" -p "$port" -n 1000 -a 10 -s 127.0.0.30 -m malformed -w -d "$SECS"
garbage=$REPLY
flood_start "$CCK_LOGDIR/flood-lb.out" -p "$port" -n 128 -a 1 -s 127.0.0.1 -m idle -d "$SECS"
lb=$REPLY
# (rate-limited: the client's own handshakes cost CPU on the same cores)
"$LOADGEN" -p "$port" -t "$CA" -c 8 -r 100 -s 127.0.0.40 -d "$SECS" >"$CCK_LOGDIR/flood-full.out" 2>&1 &
full=$!
on_exit "stop_pid $full 5 loadgen"
want=$((fds0 + 2000 * 9 / 10))
_held() { local n; n=$(fd_count "$apid"); echo "agent fds $n, want $want"; ((n >= want)); }
wait_until 10 "the agent to hold the flood" _held || true
fds_peak=$(fd_count "$apid")

during=$("$LOADGEN" -p "$port" -t "$CA" -c 2 -r 20 -d $((SECS - 6)))
echo "HTTPS checks during the flood: $during" >&2
mem1=$(rss_anon_kib "$apid")
n=$(fd_count "$apid")
((n > fds_peak)) && fds_peak=$n
wait "$hello" "$garbage" "$lb" "$full" || true
for f in hello garbage lb full; do echo "flood $f: $(cat "$CCK_LOGDIR/flood-$f.out")" >&2; done
full_out=$(cat "$CCK_LOGDIR/flood-full.out")

flood_after "$apid"
echo "FIGURES: TLS flood for ${SECS}s (2000 stalled handshakes / 20 addresses, 8 full-handshake clients: $(lg_field checks "$full_out") handshakes, $(lg_field opened "$(cat "$CCK_LOGDIR/flood-garbage.out")") garbage connections, 128 idle); HTTPS check p99 $(lg_field p99_us "$during") us (before: $(lg_field p99_us "$base") us), max $(lg_field max_us "$during") us; HAProxy UP->DOWN $FLOOD_DOWN, failed checks $FLOOD_FAILED; agent fds $fds0 / $fds_peak / $(fd_count "$apid"), RssAnon $FLOOD_MEM0 / $mem1 / $FLOOD_MEM2 KiB (before / during / after); $FLOOD_LINES log lines" >&2

limit=$((16 * 1024))
sanitized && limit=$((96 * 1024))
flood_assert "HTTPS checks" "$base" "$during" "$mem1" "$limit" "$apid"
# The stalled handshakes were held, and the full handshakes did happen:
# otherwise the flood tested nothing.
held=$(lg_field held_min "$(cat "$CCK_LOGDIR/flood-hello.out")")
((held >= 2000 * 9 / 10)) || fail "the stalled handshakes were not held (at least $held open at any time)"
(($(lg_field checks "$full_out") >= SECS * 10)) || fail "the full-handshake flood hardly ran: $full_out"
r=$(https_get "$port" / good)
[[ $r == "200 Galera node is synced." ]] || fail "agent1 after the flood: $r"
assert_agent_same 1 "$apid"
