# wsrep_reject_queries=ALL on node2 -> 503 "rejecting queries"; NONE -> 200.
# (ALL, not ALL_KILL: ALL_KILL would also kill the agent's connection, which
# is a different path.)

agent_start 2
port=${AGENT_PORT[2]}
expect_http "$port" 200 '^Galera node is synced\.' 5 "agent2 before reject" >/dev/null

on_exit 'node_sql 2 "SET GLOBAL wsrep_reject_queries=NONE"'
node_sql 2 "SET GLOBAL wsrep_reject_queries=ALL"
ms=$(expect_http "$port" 503 'not ready: .*reject' 5 "agent2 503 after wsrep_reject_queries=ALL")
assert_le "$ms" 2000 "ms until 503 after wsrep_reject_queries=ALL"

node_sql 2 "SET GLOBAL wsrep_reject_queries=NONE"
ms=$(expect_http "$port" 200 '^Galera node is synced\.' 5 "agent2 200 after wsrep_reject_queries=NONE")
assert_le "$ms" 2000 "ms until 200 after wsrep_reject_queries=NONE"
