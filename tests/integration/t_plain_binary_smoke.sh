# The suite runs the sanitized agent (make test sets CCK_BIN to
# build-asan/clustercheckd). This scenario runs the plain, optimised binary
# that is installed, through one state change, so that both builds meet a
# real node.
bin=${CCK_PLAIN_BIN:-$CCK_BIN}
echo "binary: $bin" >&2
CCK_BIN=$bin agent_start 1
port=${AGENT_PORT[1]}
expect_http "$port" 200 '^Galera node is synced\.' 5 "plain agent1" >/dev/null
node_sql 1 "SET GLOBAL wsrep_desync=ON"
expect_http "$port" 503 'desync' 3 "plain agent1 desynced" >/dev/null
node_sql 1 "SET GLOBAL wsrep_desync=OFF"
expect_http "$port" 200 '^Galera node is synced\.' 3 "plain agent1 back" >/dev/null
