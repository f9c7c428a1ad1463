# read_only=ON on node2: the default policy (read_only_ok = true) stays 200;
# an agent with `policy = { read_only_ok = false; }` answers 503 read-only.

agent_start 2
AGENT_NODE=2 AGENT_EXTRA_CONF='policy = { read_only_ok = false; };' agent_start 4
expect_http "${AGENT_PORT[2]}" 200 '^Galera node is synced\.' 5 "agent2 (default policy) before read_only" >/dev/null
expect_http "${AGENT_PORT[4]}" 200 '^Galera node is synced\.' 5 "agent4 (read_only_ok=false) before read_only" >/dev/null

on_exit 'node_sql 2 "SET GLOBAL read_only=OFF"'
node_sql 2 "SET GLOBAL read_only=ON"
ms=$(expect_http "${AGENT_PORT[4]}" 503 'not ready: .*read.only' 5 "agent4 (read_only_ok=false) 503 after read_only=ON")
assert_le "$ms" 2000 "ms until 503 after read_only=ON"
# the default-policy agent has had as long to see it: it must stay 200
hold_http "${AGENT_PORT[2]}" 200 '^Galera node is synced\.' 1.5 "agent2 (default policy) while read_only=ON"

node_sql 2 "SET GLOBAL read_only=OFF"
ms=$(expect_http "${AGENT_PORT[4]}" 200 '^Galera node is synced\.' 5 "agent4 200 after read_only=OFF")
assert_le "$ms" 2000 "ms until 200 after read_only=OFF"
