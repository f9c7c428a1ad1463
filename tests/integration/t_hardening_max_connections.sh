# shellcheck shell=bash
# max_connections exhausted by other clients: the agent keeps answering
# correctly on its persistent connection. When that connection is killed
# (KILL <id> from another session) it must reconnect, cannot, and says
# exactly why: "Too many connections". Once a slot frees, 200 again.
source "$CCK_REPO/tests/integration/hardening.sh"
SYNCED='^Galera node is synced\.'
node=2
agent_start 2
port=${AGENT_PORT[2]}
apid=$(agent_pid 2)
expect_http "$port" 200 "$SYNCED" 5 "agent2 before" >/dev/null

fill_max_connections "$node"

hold_http "$port" 200 "$SYNCED" 2 "agent2 on its persistent connection while every slot is taken"

kill_agent_session "$node"
expect_http "$port" 503 'Too many connections' 3 "agent2 says why it cannot reconnect" >/dev/null
hold_http "$port" 503 'Too many connections' 1 "agent2 keeps saying so"

free_connection_slots "$node" 2
expect_http "$port" 200 "$SYNCED" 5 "agent2 back once a slot is free" >/dev/null
[[ $(agent_pid 2) == "$apid" ]] || fail "agent2 was restarted"
