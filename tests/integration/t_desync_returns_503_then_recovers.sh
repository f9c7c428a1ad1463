# SET GLOBAL wsrep_desync=ON on node2: its agent answers 503 with the reason
# within one poll interval (500 ms) + 1 s; OFF brings 200 back as fast.

agent_start 2
port=${AGENT_PORT[2]}
expect_http "$port" 200 '^Galera node is synced\.' 5 "agent2 before desync" >/dev/null

on_exit 'node_sql 2 "SET GLOBAL wsrep_desync=OFF"'
node_sql 2 "SET GLOBAL wsrep_desync=ON"
ms=$(expect_http "$port" 503 'not ready: .*[Dd]esync' 5 "agent2 503 after wsrep_desync=ON")
[[ $(node_status 2 wsrep_local_state) == 2 ]] || fail "node2 is not in state 2 while desynced: $(node_describe 2)"
assert_le "$ms" 2000 "ms until 503 after wsrep_desync=ON"

node_sql 2 "SET GLOBAL wsrep_desync=OFF"
ms=$(expect_http "$port" 200 '^Galera node is synced\.' 10 "agent2 200 after wsrep_desync=OFF")
# wsrep_desync=OFF waits for the node to catch up (instantaneous when idle)
assert_le "$ms" 2000 "ms until 200 after wsrep_desync=OFF"
