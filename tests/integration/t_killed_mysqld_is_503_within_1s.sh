# kill -9 node3's mysqld: its agent answers 503 within 1 s (+ curl polling
# slack). Restart node3: the same agent process answers 200 again.

agent_start 3
port=${AGENT_PORT[3]}
apid=$(agent_pid 3)
expect_http "$port" 200 '^Galera node is synced\.' 5 "agent3 before kill" >/dev/null

node_kill 3 KILL
ms=$(expect_http "$port" 503 'not ready: .*(unreachable|stale|mysqld|connect)' 5 "agent3 503 after kill -9 of mysqld")
assert_le "$ms" 1300 "ms until 503 after kill -9"

node_start 3
ms=$(expect_http "$port" 200 '^Galera node is synced\.' 10 "agent3 200 after node3 restarted")
if [[ $(agent_pid 3) != "$apid" ]] || ! pid_alive "$apid"; then
	fail "agent3 process $apid is gone (agent pid file: $(agent_pid 3))"
fi
echo "ok: agent3 pid $apid unchanged" >&2
