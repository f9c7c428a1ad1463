# shellcheck shell=bash
# Other clients take every connection slot of node2 and the agent's own
# session is killed: mysqld answers each of the agent's logins with "Too
# many connections" (1040). mysqld is up and serving those clients, so
# /live stays 200 for 3x live.grace_ms, naming the refusal, while /ready is
# 503 "Too many connections". Once a slot frees, /ready is 200 again.

GRACE_MS=2000
HOLD_MS=$((3 * GRACE_MS))
node=2
AGENT_EXTRA_CONF="poll = { interval_ms = 100; }; live = { grace_ms = $GRACE_MS; };" agent_start 2
port=${AGENT_PORT[2]}
apid=$(agent_pid 2)
expect_http "$port" 200 '^Galera node is synced\.' 5 "agent2 before" >/dev/null

old_max=$(node_var "$node" max_connections)
on_exit "node_sql $node 'SET GLOBAL max_connections=$old_max'"
holders=()
# shellcheck disable=SC2016 # expanded when the step runs
on_exit 'for p in "${holders[@]}"; do stop_pid "$p" 5 holder; done'
(umask 077; printf '[client]\nuser=%s\npassword=%s\nsocket=%s\n' "$CCK_DB_USER" "$CCK_DB_PASS" \
	"${NODE_SOCK[node]}" >"$CCK_TMP/live_maxconn.cnf")

# Every slot to sessions of the unprivileged account (mysqld keeps one more
# for SUPER, which the harness's root uses).
node_sql "$node" "SET GLOBAL max_connections=12"
_sleeping() {
	local n
	n=$(node_sql "$node" "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP%'")
	echo "$n sleeping sessions"
	((n >= ${#holders[@]}))
}
_user_connect() { timeout 5 mariadb --defaults-file="$CCK_TMP/live_maxconn.cnf" -N -B -e 'SELECT 1' 2>&1; }
for i in $(seq 20); do
	if out=$(_user_connect); then
		mariadb --defaults-file="$CCK_TMP/live_maxconn.cnf" -N -B -e 'SELECT SLEEP(300)' >/dev/null 2>&1 &
		holders+=($!)
		wait_until 5 "holder $i counted" _sleeping >/dev/null
	else
		[[ $out == *"Too many connections"* ]] || fail "unexpected connect error: $out"
		break
	fi
done
_user_connect >/dev/null 2>&1 && fail "max_connections not exhausted after ${#holders[@]} holders"
echo "ok: max_connections exhausted with ${#holders[@]} holders" >&2

# Kill the agent's session with one slot fewer, in the same statement, so
# that the holders alone fill the server.
id=$(node_sql "$node" "SELECT ID FROM information_schema.PROCESSLIST WHERE USER='$CCK_DB_USER' AND (INFO IS NULL OR INFO NOT LIKE 'SELECT SLEEP%') AND ID != CONNECTION_ID()")
[[ $id =~ ^[0-9]+$ ]] || fail "cannot find the agent's connection (got '$id')"
max_now=$(node_var "$node" max_connections)
node_sql "$node" "SET GLOBAL max_connections=$((max_now - 1)); KILL $id"

expect_http "$port" 503 '^Galera node is not ready: .*Too many connections \(1040\)' 5 \
	"agent2 /ready once every slot is taken" >/dev/null
now_ms; t0=$REPLY; deadline=$((REPLY + HOLD_MS)); n=0
while :; do
	l=$(http_get "$port" /live)
	r=$(http_get "$port" /ready)
	n=$((n + 1))
	now_ms
	[[ $l =~ ^200\ Galera\ node\ is\ alive:\ .*Too\ many\ connections\ \(1040\) ]] ||
		fail "/live sample $n, $((REPLY - t0)) ms into the refusals (grace $GRACE_MS ms): '$l'"
	[[ $r =~ ^503\ .*Too\ many\ connections ]] || fail "/ready sample $n: '$r'"
	((REPLY < deadline)) || break
	sleep 0.05
done
[[ $l =~ ^200\ Galera\ node\ is\ alive:\ mysqld\ answered\ [0-9]+\ ms\ ago,\ refusing\ the\ agent:\ Too\ many ]] ||
	fail "/live does not say mysqld answered with a refusal: '$l'"
[[ $r =~ ^503\ Galera\ node\ is\ not\ ready:\ mysqld\ refused\ the\ agent:\ Too\ many ]] ||
	fail "/ready does not say mysqld refused the agent: '$r'"
echo "ok: /live 200 and /ready 503 'Too many connections' on all $n samples for $HOLD_MS ms (3x the grace)" >&2
metrics=$(http_body "$port" /metrics)
grep -qx 'clustercheckd_verdict_code{endpoint="live"} 200' <<<"$metrics" || fail "/metrics: live verdict not 200"
grep -qx 'clustercheckd_mysqld_up 0' <<<"$metrics" || fail "/metrics: clustercheckd_mysqld_up not 0"
grep -qx 'clustercheckd_mysqld_refused 1' <<<"$metrics" || fail "/metrics: clustercheckd_mysqld_refused not 1"

stop_pid "${holders[0]}" 5 holder
stop_pid "${holders[1]}" 5 holder
expect_http "$port" 200 '^Galera node is synced\.' 5 "agent2 /ready once a slot is free" >/dev/null
[[ $(agent_pid 2) == "$apid" ]] || fail "agent2 was restarted"
