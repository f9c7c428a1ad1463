# kill -STOP node3's mysqld (hung: connections and queries block): its agent
# still answers HTTP, with 503 within 3 s. kill -CONT: 200 again. mysqld is
# resumed within ~3 s, before Galera would evict it (evs.suspect_timeout 5 s).

agent_start 3
port=${AGENT_PORT[3]}
expect_http "$port" 200 '^Galera node is synced\.' 5 "agent3 before SIGSTOP" >/dev/null

on_exit 'node_kill 3 CONT'
node_kill 3 STOP
ms=$(expect_http "$port" 503 'not ready: .*(unreachable|stale|tim(e|ed) ?out|not respond|hung|mysqld)' 4 "agent3 503 with mysqld stopped")
node_kill 3 CONT
assert_le "$ms" 3300 "ms until 503 after SIGSTOP"

ms=$(expect_http "$port" 200 '^Galera node is synced\.' 15 "agent3 200 after SIGCONT")
