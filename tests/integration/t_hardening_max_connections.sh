# shellcheck shell=bash
# max_connections exhausted by other clients: the agent keeps answering
# correctly on its persistent connection. When that connection is killed
# (KILL <id> from another session) it must reconnect, cannot, and says
# exactly why: "Too many connections". Once a slot frees, 200 again.
SYNCED='^Galera node is synced\.'
node=2
agent_start 2
port=${AGENT_PORT[2]}
apid=$(agent_pid 2)
expect_http "$port" 200 "$SYNCED" 5 "agent2 before" >/dev/null

old_max=$(node_var "$node" max_connections)
on_exit "node_sql $node 'SET GLOBAL max_connections=$old_max'"
holders=()
# shellcheck disable=SC2016 # expanded when the step runs
on_exit 'for p in "${holders[@]}"; do stop_pid "$p" 5 holder; done'
(umask 077; printf '[client]\nuser=%s\npassword=%s\nsocket=%s\n' "$CCK_DB_USER" "$CCK_DB_PASS" \
	"${NODE_SOCK[node]}" >"$CCK_TMP/holder.cnf")

# Fill every slot with sessions of the same unprivileged account (the
# server keeps one extra slot for SUPER, which the harness's root uses).
node_sql "$node" "SET GLOBAL max_connections=12"
_n() {
	local n
	n=$(node_sql "$node" "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP%'")
	echo "$n sleeping sessions"
	((n >= ${#holders[@]}))
}
_user_connect() {
	timeout 5 mariadb --defaults-file="$CCK_TMP/holder.cnf" -N -B -e 'SELECT 1' 2>&1
}
for i in $(seq 20); do
	if out=$(_user_connect); then
		mariadb --defaults-file="$CCK_TMP/holder.cnf" -N -B -e 'SELECT SLEEP(300)' >/dev/null 2>&1 &
		holders+=($!)
		wait_until 5 "holder $i counted" _n
	else
		[[ $out == *"Too many connections"* ]] || fail "unexpected connect error: $out"
		break
	fi
done
_user_connect >/dev/null 2>&1 && fail "max_connections not exhausted after ${#holders[@]} holders"
echo "ok: max_connections exhausted with ${#holders[@]} holders" >&2

hold_http "$port" 200 "$SYNCED" 2 "agent2 on its persistent connection while every slot is taken"

id=$(node_sql "$node" "SELECT ID FROM information_schema.PROCESSLIST WHERE USER='$CCK_DB_USER' AND (INFO IS NULL OR INFO NOT LIKE 'SELECT SLEEP%') AND ID != CONNECTION_ID()")
[[ $id =~ ^[0-9]+$ ]] || fail "cannot find the agent's connection (got '$id')"
# Killing the agent's session frees its slot, and the agent would take it
# straight back: one slot fewer first, in the same session, so the holders
# alone fill the server.
max_now=$(node_var "$node" max_connections)
node_sql "$node" "SET GLOBAL max_connections=$((max_now - 1)); KILL $id"
expect_http "$port" 503 'Too many connections' 3 "agent2 says why it cannot reconnect" >/dev/null
hold_http "$port" 503 'Too many connections' 1 "agent2 keeps saying so"

stop_pid "${holders[0]}" 5 holder
stop_pid "${holders[1]}" 5 holder
expect_http "$port" 200 "$SYNCED" 5 "agent2 back once a slot is free" >/dev/null
[[ $(agent_pid 2) == "$apid" ]] || fail "agent2 was restarted"
