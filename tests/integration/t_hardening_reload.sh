# shellcheck shell=bash
# SIGHUP reload. A broken file keeps the running configuration and says why
# (file:line and "keeping the running configuration" in the log), even one
# that would make libconfig exit (an @include of a directory); a good,
# changed file is applied (read_only_ok = false turns a read-only node's
# 200 into 503).
agent_start 1
port=${AGENT_PORT[1]}
apid=$(agent_pid 1)
conf=$CCK_TMP/agent1.conf
log=$CCK_LOGDIR/agent1.log
good=$(cat "$conf")
node_sql 1 "SET GLOBAL read_only=ON"
on_exit 'node_sql 1 "SET GLOBAL read_only=OFF"'
expect_http "$port" 200 'synced' 5 "agent1 read-only node with the default policy" >/dev/null

# broken: line 3 has an unknown donor policy
printf '%s\npolicy = { read_only_ok = false;\n donor = "sometimes"; };\n' "$good" >"$conf"
line=$(grep -n sometimes "$conf" | cut -d: -f1)
kill -HUP "$apid"
_logged() { grep -F -- "$conf:$line:" "$log" && grep -F 'keeping the running configuration' "$log"; }
wait_until 5 "the reload error in the log" _logged
hold_http "$port" 200 'synced' 1 "agent1 still on the old configuration"
[[ $(agent_pid 1) == "$apid" ]] && pid_alive "$apid" || fail "agent1 exited on a broken reload"

# an @include of a directory: libconfig's scanner would exit() the process
printf '%s\n@include ""\n' "$good" >"$conf"
kill -HUP "$apid"
_logged_dir() { grep -F 'is not a regular file' "$log"; }
wait_until 5 "the @include error in the log" _logged_dir
hold_http "$port" 200 'synced' 0.5 "agent1 alive after a reload with @include of a directory"
[[ $(agent_pid 1) == "$apid" ]] && pid_alive "$apid" || fail "agent1 exited on @include of a directory"

# good and changed
printf '%s\npolicy = { read_only_ok = false; };\n' "$good" >"$conf"
kill -HUP "$apid"
expect_http "$port" 503 'read.only' 3 "agent1 applies read_only_ok = false" >/dev/null
grep -q 'configuration reloaded' "$log" || fail "no 'configuration reloaded' in the log"
[[ $(agent_pid 1) == "$apid" ]] || fail "agent1 was restarted"
