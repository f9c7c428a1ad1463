# shellcheck shell=bash
# The MariaDB password never appears in ps, /proc/PID/cmdline,
# /proc/PID/environ, the agent's log (debug level, and through a failing
# login), or any HTTP answer; a config holding a password that group or
# others can read is refused.
#
# lib.sh never exports CCK_DB_PASS, so the agents' environ is a fair test
# of the agent itself; say so again here in case that ever changes.
export -n CCK_DB_PASS
pw=$CCK_DB_PASS
[[ ${#pw} -ge 16 ]] || fail "test password too short to search for: '$pw'"

agent_start 2 --debug
port=${AGENT_PORT[2]}
apid=$(agent_pid 2)
expect_http "$port" 200 'synced' 5 "agent2" >/dev/null
node_sql 2 "SET GLOBAL wsrep_desync=ON"
expect_http "$port" 503 'desync' 5 "agent2 desynced" >/dev/null
node_sql 2 "SET GLOBAL wsrep_desync=OFF"

hits=$(ps -eo pid,args | grep -F -- "$pw" | grep -v grep || true)
[[ -z $hits ]] || fail "password in ps: $hits"
! tr '\0' '\n' <"/proc/$apid/cmdline" | grep -qF -- "$pw" || fail "password in /proc/$apid/cmdline"
! tr '\0' '\n' <"/proc/$apid/environ" | grep -qF -- "$pw" || fail "password in /proc/$apid/environ"
for path in / '/?verbose' /status /metrics /ready /live /nope; do
	for method in GET HEAD OPTIONS; do
		out=$(curl -s -i --max-time 2 -X "$method" "http://127.0.0.1:$port$path" || true)
		[[ $out != *"$pw"* ]] || fail "password in the answer to $method $path"
	done
done

# A wrong password: the login error text goes to the log and the answers.
AGENT_NODE=2 agent_start 5
wpid=$(agent_pid 5)
wrong="${pw}-wrong"
sed -i "s/password = \"$pw\"/password = \"$wrong\"/" "$CCK_TMP/agent5.conf"
kill -HUP "$wpid"
expect_http "${AGENT_PORT[5]}" 503 'Access denied' 5 "agent5 with a wrong password" >/dev/null
for path in / '/?verbose' /status; do
	out=$(curl -s --max-time 2 "http://127.0.0.1:${AGENT_PORT[5]}$path" || true)
	[[ $out != *"$pw"* ]] || fail "password in the answer to $path with a failing login: $out"
done
agent_stop 5
agent_stop 2
! grep -F -- "$pw" "$CCK_LOGDIR"/agent*.log || fail "password in an agent log"

# Group- or world-readable config holding a password: refused, with why.
for mode in 640 604 644; do
	bad=$CCK_TMP/readable-$mode.conf
	cp "$CCK_TMP/agent2.conf" "$bad"
	chmod "$mode" "$bad"
	for args in "--check-config" ""; do
		rc=0
		# shellcheck disable=SC2086
		out=$(timeout 10 "$CCK_BIN" --config "$bad" $args 2>&1) || rc=$?
		((rc != 0)) || fail "mode $mode ${args:-daemon}: accepted (exit 0): $out"
		((rc != 124)) || fail "mode $mode ${args:-daemon}: started instead of refusing"
		[[ $out == *"$bad"*"holds mysql.password but is readable by group/other"* ]] ||
			fail "mode $mode ${args:-daemon}: no reason given: $out"
		[[ $out != *"$pw"* ]] || fail "mode $mode: the refusal shows the password"
	done
done
echo "ok: password absent from ps, cmdline, environ, logs, answers; readable configs refused" >&2
