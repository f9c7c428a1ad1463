# shellcheck shell=bash
# mysqld refuses the agent's login while it serves everyone else: /live
# stays 200 (mysqld replied, so it runs) for 3x live.grace_ms, naming the
# refusal, while /ready is 503 with mysqld's error and /status says
# "refused by server". Each way an account can be kept out, in turn:
#   wrong password (1045), account locked (4151), password expired (1820 in
#   sandbox mode), account dropped (1045), MAX_USER_CONNECTIONS (1226).
# Control, at the end: silence still kills. With the login refused, mysqld is SIGSTOPped:
# /live turns 503 once the grace has run from mysqld's last refusal.
# The agent's session is killed after each change so that it logs in again.

GRACE_MS=2000
HOLD_MS=$((3 * GRACE_MS))
node=2
user=cck_live
pass=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
acct="'$user'@'localhost'"

_sql() { node_sql "$node" "$@"; }
on_exit "node_sql $node \"DROP USER IF EXISTS $acct\""
_sql "DROP USER IF EXISTS $acct; CREATE USER $acct IDENTIFIED BY '$pass'"

CCK_DB_USER=$user CCK_DB_PASS=$pass \
	AGENT_EXTRA_CONF="poll = { interval_ms = 100; }; live = { grace_ms = $GRACE_MS; };" agent_start 2
port=${AGENT_PORT[2]}
apid=$(agent_pid 2)
log=$CCK_LOGDIR/agent2.log
expect_http "$port" 200 '^Galera node is synced' 5 "agent2 /ready as $user" >/dev/null

# Close the agent's session (not the holders'): it must log in again.
_kick() {
	local ids id
	ids=$(_sql "SELECT ID FROM information_schema.PROCESSLIST WHERE USER='$user' AND (INFO IS NULL OR INFO NOT LIKE 'SELECT SLEEP%')")
	for id in $ids; do _sql "KILL $id" 2>/dev/null || true; done
}

# _hold_refused WHAT ERROR_REGEX: /ready 503 "mysqld refused the agent:
# <error>" and /live 200 "... refusing the agent: <error>" on every sample
# for HOLD_MS, starting when the refusal is first seen.
_hold_refused() {
	local what=$1 re=$2 deadline n=0 l r t0
	expect_http "$port" 503 "^Galera node is not ready: .*$re" 5 "agent2 /ready once $what" >/dev/null
	now_ms; t0=$REPLY; deadline=$((REPLY + HOLD_MS))
	while :; do
		l=$(http_get "$port" /live)
		r=$(http_get "$port" /ready)
		n=$((n + 1))
		now_ms
		[[ $l =~ ^200\ Galera\ node\ is\ alive:\ .*$re ]] ||
			fail "$what: /live sample $n, $((REPLY - t0)) ms after the refusal was seen (grace $GRACE_MS ms): '$l'"
		[[ $r =~ ^503\ .*$re ]] || fail "$what: /ready sample $n: '$r'"
		((REPLY < deadline)) || break
		sleep 0.05
	done
	# ...and both say that mysqld answered, with a refusal.
	[[ $l =~ ^200\ Galera\ node\ is\ alive:\ mysqld\ answered\ [0-9]+\ ms\ ago,\ refusing\ the\ agent:\ .*$re ]] ||
		fail "$what: /live does not say mysqld answered with a refusal: '$l'"
	[[ $r =~ ^503\ Galera\ node\ is\ not\ ready:\ mysqld\ refused\ the\ agent:\ .*$re ]] ||
		fail "$what: /ready does not say mysqld refused the agent: '$r'"
	echo "ok: $what: /live 200 and /ready 503 on all $n samples for $HOLD_MS ms (3x the grace)" >&2
}

_back() {
	expect_http "$port" 200 '^Galera node is synced' 5 "agent2 /ready after $1 is undone" >/dev/null
}

# 1. Wrong password (a rotation that reached the agent first).
_sql "ALTER USER $acct IDENTIFIED BY 'not-the-agents-password'"
_kick
_hold_refused "the password is wrong" "Access denied for user '$user'@'localhost' \(using password: YES\) \(1045\)"
v=$(http_body "$port" '/live?verbose')
[[ $v == *"[+]mysqld ok: mysqld answered "*" ms ago, refusing the agent: Access denied"* && $v == *"live check passed"* ]] ||
	fail "/live?verbose does not say mysqld answered with a refusal: $v"
status=$(http_body "$port" /status)
jq -e '.mysqld.outcome == "refused by server" and .mysqld.error_code == 1045
	and .live.code == 200 and .ready.code == 503 and .ready.failed_check == "mysqld"' <<<"$status" >/dev/null ||
	fail "/status: $(jq -c '{mysqld, live: .live.reason, ready: .ready.reason}' <<<"$status")"
grep -q 'live: alive (200): mysqld answered [0-9]* ms ago, refusing the agent: Access denied' "$log" ||
	fail "the log does not say mysqld refused the agent: $(grep 'live:' "$log" | tail -n 3)"
echo "ok: verbose, /status and the log say mysqld refused the agent" >&2

_sql "ALTER USER $acct IDENTIFIED BY '$pass'"
_back "the wrong password"

# 2. Account locked.
_sql "ALTER USER $acct ACCOUNT LOCK"
_kick
_hold_refused "the account is locked" "account is locked \(4151\)"
_sql "ALTER USER $acct ACCOUNT UNLOCK"
_back "the lock"

# 3. Password expired: the client does not ask for sandbox mode, so mysqld
#    either refuses the login (1862) or lets it in and refuses every
#    statement (1820), depending on disconnect_on_expired_password.
_sql "ALTER USER $acct PASSWORD EXPIRE"
_kick
_hold_refused "the password has expired" "(password has expired|SET PASSWORD).* \((1862|1820)\)"
_sql "ALTER USER $acct IDENTIFIED BY '$pass'"
_back "the expiry"

# 4. Account dropped.
_sql "DROP USER $acct"
_kick
_hold_refused "the account is dropped" "Access denied for user '$user'@'localhost' .*\(1045\)"
_sql "CREATE USER $acct IDENTIFIED BY '$pass'"
_back "the drop"

# 5. MAX_USER_CONNECTIONS: another session of the same account holds the
#    only slot when the agent logs in again.
holders=()
# shellcheck disable=SC2016 # expanded when the step runs
on_exit 'for p in "${holders[@]}"; do stop_pid "$p" 5 holder; done'
(umask 077; printf '[client]\nuser=%s\npassword=%s\nsocket=%s\n' "$user" "$pass" "${NODE_SOCK[node]}" \
	>"$CCK_TMP/live_holder.cnf")
_sql "ALTER USER $acct WITH MAX_USER_CONNECTIONS 2"
mariadb --defaults-file="$CCK_TMP/live_holder.cnf" -N -B -e 'SELECT SLEEP(300)' >/dev/null 2>&1 &
holders+=($!)
_holding() {
	local n
	n=$(_sql "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER='$user' AND INFO LIKE 'SELECT SLEEP%'")
	echo "$n holding sessions"
	((n == 1))
}
wait_until 5 "the holder's session" _holding >/dev/null
_sql "ALTER USER $acct WITH MAX_USER_CONNECTIONS 1"
_kick
_hold_refused "the account's connections are used up" "max_user_connections.* \((1226|1203)\)"
stop_pid "${holders[0]}" 5 holder
_sql "ALTER USER $acct WITH MAX_USER_CONNECTIONS 0"
_back "the connection limit"

[[ $(agent_pid 2) == "$apid" ]] || fail "agent2 was restarted"

# Control: silence, counted from the last refusal, still fails /live.
_sql "ALTER USER $acct IDENTIFIED BY 'not-the-agents-password'"
_kick
expect_http "$port" 503 "^Galera node is not ready: mysqld refused the agent: Access denied" 5 \
	"agent2 /ready refused again" >/dev/null
on_exit "node_kill $node CONT"
node_kill "$node" STOP
ms=$(wait_http "$port" 503 "^Galera node is not alive: no answer for [0-9]+ ms, beyond the $GRACE_MS ms grace" \
	$(((GRACE_MS + 6000) / 1000)) /live) || fail "agent2 /live once mysqld is SIGSTOPped: $(http_get "$port" /live)"
# The transition is logged by the poller when its attempt times out, which
# may come a moment after an HTTP answer computed it: wait for it while
# mysqld is still silent.
wait_until 10 "the log's '/live not alive' line" grep -q 'live: not alive (503)' "$log" ||
	fail "no '/live not alive' line while mysqld is silent: $(grep 'live:' "$log" | tail -n 3)"
node_kill "$node" CONT
((ms >= GRACE_MS - 150)) || fail "/live failed ${ms} ms after the SIGSTOP, before the $GRACE_MS ms grace"
echo "ok: silence: /live 503 ${ms} ms after the SIGSTOP (grace $GRACE_MS ms)" >&2
wait_http "$port" 200 "^Galera node is alive: mysqld answered [0-9]+ ms ago, refusing the agent" 30 /live >/dev/null ||
	fail "agent2 /live once mysqld answers again: $(http_get "$port" /live)"
alive=$(grep -c 'live: not alive (503)' "$log" || true)
((alive == 1)) || fail "the log has $alive '/live not alive' lines, want 1 (the SIGSTOP): $(grep 'live:' "$log")"
# The pause may have cost node2 its place in the Primary component for a
# while; the account's clean-up needs it back.
cluster_wait_synced 90
