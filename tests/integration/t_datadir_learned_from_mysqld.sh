# shellcheck shell=bash
# mysql.datadir is wrong (here: the default-like path of another layout,
# which does not exist). Once mysqld answers, the agent reads @@datadir in
# its poll and reads grastate.dat and the SST marker there: /status shows
# mysqld's path and grastate.dat, the marker is seen, and the discrepancy
# is logged once (not once per poll).

node=2
a=2
data=$CCK_TMP/node$node/data
wrong=$CCK_TMP/no-such/mysql
port=${AGENT_PORT[a]}
log=$CCK_LOGDIR/agent$a.log

AGENT_DATADIR=$wrong AGENT_EXTRA_CONF='poll = { interval_ms = 100; };' agent_start "$a"
expect_http "$port" 200 '^Galera node is synced' 5 "agent$a /ready" >/dev/null

uuid=$(node_status "$node" wsrep_cluster_state_uuid)
_learned() {
	local s
	s=$(http_body "$port" /status)
	jq -c '{datadir, grastate}' <<<"$s"
	jq -e --arg data "$data" --arg wrong "$wrong" --arg uuid "$uuid" '
		.datadir.path == $data and .datadir.configured == $wrong and .datadir.from_mysqld == true
		and .datadir.mysqld == ($data + "/") and .datadir.readable == true
		and .grastate.read == true and .grastate.uuid == $uuid' <<<"$s" >/dev/null
}
wait_until 5 "/status to show mysqld's datadir and its grastate.dat" _learned >/dev/null
echo "ok: /status reads grastate.dat in mysqld's datadir $data, not $wrong" >&2

# The marker is looked for there too.
on_exit "rm -f '$data/sst_in_progress'"
touch "$data/sst_in_progress"
wait_http "$port" 200 '^Galera node is alive: receiving a state transfer \(sst_in_progress marker in the datadir\)' 5 /live >/dev/null ||
	fail "/live does not see the marker in mysqld's datadir: $(http_get "$port" /live)"
rm -f "$data/sst_in_progress"
wait_http "$port" 200 '^Galera node is alive: mysqld answered' 5 /live >/dev/null ||
	fail "/live once the marker is gone: $(http_get "$port" /live)"
echo "ok: the SST marker is looked for in mysqld's datadir" >&2

lines=$(grep -c "mysqld's datadir is $data, not mysql.datadir $wrong: reading $data" "$log" || true)
((lines == 1)) || fail "the log has $lines lines about the datadir discrepancy, want 1: $(grep -n datadir "$log")"
echo "ok: the discrepancy is logged once: $(grep "mysqld's datadir" "$log")" >&2
