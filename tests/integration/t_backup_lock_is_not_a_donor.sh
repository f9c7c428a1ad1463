# FTWRL, BACKUP STAGE BLOCK_COMMIT and an RSU ALTER waiting on a metadata
# lock put node1 in wsrep_local_state 2 "Donor/Desynced" with
# wsrep_desync=OFF -- the status a real donor shows -- and writes to it
# hang. No state transfer runs (no SST script under mysqld), so agents with
# donor = "always", "non-blocking" (and the donor's wsrep_sst_method set to
# mariabackup) and "drain" all answer 503 and say why; each answers 200
# again once the lock is gone.
POLL='poll = { interval_ms = 200; };'
HOLD_S=6
on_exit 'node_sql 1 "SET GLOBAL wsrep_sst_method=rsync" >/dev/null 2>&1 || true'
node_sql 1 "SET GLOBAL wsrep_sst_method=mariabackup;
	CREATE DATABASE IF NOT EXISTS cck_lock;
	CREATE TABLE IF NOT EXISTS cck_lock.t (id INT PRIMARY KEY AUTO_INCREMENT, v INT) ENGINE=InnoDB"

AGENT_NODE=1 AGENT_EXTRA_CONF="$POLL"' policy = { donor = "always"; };' agent_start 1
AGENT_NODE=1 AGENT_EXTRA_CONF="$POLL"' policy = { donor = "non-blocking"; };' agent_start 4
AGENT_NODE=1 AGENT_EXTRA_CONF="$POLL"' policy = { donor = "drain"; };' agent_start 5
for a in 1 4 5; do expect_http "${AGENT_PORT[a]}" 200 'synced' 5 "agent$a before" >/dev/null; done

bg_pids=()
# shellcheck disable=SC2016 # expanded when the step runs
on_exit 'for p in "${bg_pids[@]}"; do kill "$p" 2>/dev/null; done; true'
# hold SQL in the background on node1 (the statements end by themselves)
hold() {
	node_sql 1 "$1" >>"$CCK_LOGDIR/hold.log" 2>&1 &
	bg_pids+=($!)
}

judge() {
	local what=$1 a
	wait_until 5 "node1 in state 2 ($what)" node_state_is 1 2 || fail "$what did not desync node1"
	[[ $(node_var 1 wsrep_desync) == OFF ]] || fail "$what: wsrep_desync is not OFF"
	for a in 1 4 5; do
		expect_http "${AGENT_PORT[a]}" 503 'Donor/Desynced without a state transfer .*writes may block' 3 \
			"$what: agent$a ($(grep -o 'donor = "[a-z-]*"' "$CCK_TMP/agent$a.conf"))" >/dev/null
	done
	echo "$what: $(http_get "${AGENT_PORT[1]}")" >&2
	wait_until $((HOLD_S + 20)) "node1 Synced after $what" node_state_is 1 4 || fail "node1 stuck after $what"
	for a in 1 4 5; do expect_http "${AGENT_PORT[a]}" 200 'synced' 5 "agent$a after $what" >/dev/null; done
}

hold "FLUSH TABLES WITH READ LOCK; SELECT SLEEP($HOLD_S); UNLOCK TABLES"
judge "FLUSH TABLES WITH READ LOCK"

hold "BACKUP STAGE START; BACKUP STAGE FLUSH; BACKUP STAGE BLOCK_DDL; BACKUP STAGE BLOCK_COMMIT;
	SELECT SLEEP($HOLD_S); BACKUP STAGE END"
judge "BACKUP STAGE BLOCK_COMMIT"

# A reader holds the table's metadata lock; the RSU ALTER desyncs the node
# and waits for it.
hold "BEGIN; SELECT COUNT(*) FROM cck_lock.t; SELECT SLEEP($HOLD_S); COMMIT"
_reader_holds() { [[ $(node_sql 1 "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP%'") == 1 ]]; }
wait_until 5 "the reader to hold its lock" _reader_holds || fail "the reader did not start"
hold "SET SESSION wsrep_osu_method=RSU; SET SESSION lock_wait_timeout=60;
	ALTER TABLE cck_lock.t ADD COLUMN c$RANDOM INT"
judge "RSU ALTER waiting on a metadata lock"
node_sql 1 "SET SESSION wsrep_osu_method=TOI; DROP DATABASE IF EXISTS cck_lock"
