# A real mariabackup SST: node3 loses its state and rejoins asking for
# mariabackup (--wsrep-sst-method=mariabackup on the JOINER: the joiner picks
# the method; node1's own wsrep_sst_method stays rsync), donor forced to
# node1. While node1 is Donor (state 2, wsrep_desync OFF):
#   - agent1 (donor = "never") answers 503 naming the SST donor;
#   - agent4 on node1 (donor = "non-blocking") answers 200 "non-blocking
#     method mariabackup": it reads the method from the script mysqld runs,
#     not from node1's wsrep_sst_method (rsync, blocking);
#   - whenever node1 showed wsrep_desync_count 2 before and after a request
#     (mariabackup's own BACKUP STAGE lock on top of the transfer, writes
#     blocked), agent4 answered 503.
# The donor script waits ~10 s before streaming, so the phase is long
# enough to judge with little data.
command -v mariadb-backup >/dev/null || fail "mariadb-backup not installed (scripts/deps.sh installs it)"
PAD_MB=${CCK_SST_PAD_MB:-100}
POLL='poll = { interval_ms = 100; };'

node_pad 1 cck_mbsst "$PAD_MB"
[[ $(node_var 1 wsrep_sst_method) == rsync ]] || fail "node1's wsrep_sst_method is not rsync"

AGENT_EXTRA_CONF=$POLL agent_start 1
AGENT_NODE=1 AGENT_EXTRA_CONF="$POLL"' policy = { donor = "non-blocking"; };' agent_start 4
for a in 1 4; do expect_http "${AGENT_PORT[a]}" 200 'synced' 5 "agent$a before the SST" >/dev/null; done

node_forget_state 3
node_launch 3 --wsrep-sst-donor=node1 --wsrep-sst-method=mariabackup

timeline=$CCK_LOGDIR/timeline.txt
q="SELECT CONCAT((SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='WSREP_LOCAL_STATE'),
	',', @@wsrep_desync, ',', (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='WSREP_DESYNC_COUNT'))"
now_ms; t0=$REPLY; deadline=$((t0 + 240000))
never_503=0 nb_200=0 locked=0 locked_503=0 bad=""
while :; do
	now_ms; t=$((REPLY - t0))
	((REPLY < deadline)) || fail "node3 did not finish its SST in 240 s: $(node_describe 3)"
	node_alive 3 || fail "node3 died during the SST: $(tail -n 5 "$CCK_TMP/node3/error.log")"
	before=$(node_sql 1 "$q" 2>/dev/null) || before="?"
	r1=$(http_get "${AGENT_PORT[1]}")
	r4=$(http_get "${AGENT_PORT[4]}")
	after=$(node_sql 1 "$q" 2>/dev/null) || after="?"
	s3=$(node_status 3 wsrep_local_state 2>/dev/null) || s3="-"
	printf '%6d %s/%s | %s | %s | %s\n' "$t" "$before" "$after" "$r1" "$r4" "$s3" >>"$timeline"
	if [[ $before == 2,OFF,1 && $after == 2,OFF,1 ]]; then
		[[ $r1 =~ ^503\ .*SST\ donor\ \(mariabackup\) ]] && never_503=$((never_503 + 1))
		[[ $r4 =~ ^200\ .*non-blocking\ method\ mariabackup ]] && nb_200=$((nb_200 + 1))
	fi
	if [[ $before == 2,OFF,2 && $after == 2,OFF,2 ]]; then
		locked=$((locked + 1))
		if [[ $r4 == "503 "* ]]; then locked_503=$((locked_503 + 1)); else bad+="${bad:+; }at $t ms count 2 but agent4 said '$r4'"; fi
	fi
	[[ $s3 == 4 ]] && break
	sleep 0.05
done
echo "node3 joined by mariabackup SST in $((REPLY - t0)) ms; timeline in $timeline" >&2
awk '{ k = $2 " " substr($0, index($0, "|")) ; if (k != last) print; last = k }' "$timeline" | cut -c1-220 >&2
[[ -z $bad ]] || fail "$bad"
((never_503 > 0)) || fail "agent1 (never) never answered 503 'SST donor (mariabackup)' while node1 was a donor"
((nb_200 > 0)) || fail "agent4 (non-blocking) never answered 200 'non-blocking method mariabackup' while node1 was a donor"
echo "ok: donor samples: agent1 503 x$never_503, agent4 200 x$nb_200; backup-lock samples: $locked (agent4 503 x$locked_503)" >&2
for a in 1 4; do expect_http "${AGENT_PORT[a]}" 200 'synced' 10 "agent$a after the SST" >/dev/null; done
