# shellcheck shell=bash
# Nothing in the log grows with the request rate: for 15 s one address
# loops against the per-address limit (its connections are closed and
# reopened as fast as the machine allows) and another sends requests that
# are not HTTP, tens of thousands of events in all. The agent's log gains a
# handful of lines -- the first of each kind and one summary per kind per
# interval, with the count -- and a verdict change in the middle of the
# flood is still logged, both ways.
source "$CCK_REPO/tests/integration/flood.sh"
need_flood
SECS=15

AGENT_EXTRA_CONF='http = { max_connections_per_ip = 4; };' agent_start 1
apid=$(agent_pid 1)
port=${AGENT_PORT[1]}
log=$(agent_log 1)
expect_http "$port" 200 '^Galera node is synced\.' 5 "agent1 before" >/dev/null
lines0=$(log_lines 1)

# 32 connections from one address against a limit of 4: each one opened
# closes the address's oldest, which reopens at once, and so on.
flood_start "$CCK_LOGDIR/flood-limit.out" -p "$port" -n 32 -a 1 -s 127.0.0.2 -m idle -d "$SECS"
f1=$REPLY
# A TLS-looking line that ends like a request head: the HTTP engine gets
# it and refuses it with 400, every time.
flood_start "$CCK_LOGDIR/flood-bad.out" -p "$port" -n 8 -a 1 -s 127.0.0.3 -m malformed -d "$SECS"
f2=$REPLY

_flooding() { local n; n=$(grep -c 'closed its oldest' "$log"); echo "$n lines"; ((n >= 1)); }
wait_until 5 "the per-address limit to be hit" _flooding || true
on_exit 'node_sql 1 "SET GLOBAL wsrep_desync=OFF"'
node_sql 1 "SET GLOBAL wsrep_desync=ON"
expect_http "$port" 503 'not ready: .*[Dd]esync' 5 "agent1 503 during the flood" >/dev/null
node_sql 1 "SET GLOBAL wsrep_desync=OFF"
expect_http "$port" 200 '^Galera node is synced\.' 5 "agent1 200 again during the flood" >/dev/null

wait "$f1" "$f2" || true
limit_out=$(cat "$CCK_LOGDIR/flood-limit.out")
bad_out=$(cat "$CCK_LOGDIR/flood-bad.out")
echo "per-address loop: $limit_out" >&2
echo "malformed: $bad_out" >&2
events=$(($(lg_field reopened "$limit_out") + $(lg_field opened "$bad_out")))
((events >= 2000)) || fail "the flood was too small to prove anything: $events events"
# The summaries of the last interval come within one interval after it.
_summarised() { grep -c 'repeated [0-9]* more times' "$log"; }
wait_until 12 "the summaries" _summarised || true
sed -n "$((lines0 + 1)),$((lines0 + 40))p" "$log" >&2
lines=$(($(log_lines 1) - lines0))
echo "FIGURES: $events refused or malformed connections in ${SECS}s -> $lines log lines" >&2
# First line of each kind + one summary per kind per 10 s interval + the two
# transitions; a few to spare, nowhere near one per event.
assert_le "$lines" 16 "log lines for $events events"
grep -q 'not ready (503): .*[Dd]esync' "$log" || fail "the change to 503 during the flood is not in the log"
grep -q 'ready (200): Synced.*\[was not ready (503)' "$log" || fail "the change back to 200 during the flood is not in the log"
biggest=$(grep -o 'repeated [0-9]* more times' "$log" | awk '{ if ($2 > m) m = $2 } END { print m + 0 }')
((biggest >= 100)) || fail "no summary counts the repeated events (largest count: $biggest)"
assert_agent_same 1 "$apid"
