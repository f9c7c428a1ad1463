# A real SST: node3 loses its state (grastate.dat, galera.cache) and rejoins
# with a full rsync SST, donor forced to node1 (--wsrep-sst-donor=node1).
# While node1 is Donor (wsrep_local_state 2, wsrep_desync OFF):
#   - its agent with the default donor policy ("never") answers 503 Donor;
#   - a second agent on node1 with donor = "always" answers 200;
#   - node2's agent stays 200.
# Then everything returns to 200.
#
# To make the donor phase observable, node1 first gets ~400 MB of local
# (non-replicated, wsrep_on=OFF) MyISAM data: a few seconds of rsync while
# node1 is Donor (about 3.5 s on a 2-core machine). Loading it takes ~2.5 s,
# where replicated InnoDB data would cost far more. The database is dropped
# afterwards (replicated DROP ... IF EXISTS, a no-op on node2).

PAD_MB=${CCK_SST_PAD_MB:-400}
POLL='poll = { interval_ms = 100; };'
SYNCED='^Galera node is synced\.'

node_pad 1 cck_sst "$PAD_MB"

AGENT_EXTRA_CONF=$POLL agent_start 1
AGENT_NODE=1 AGENT_EXTRA_CONF="$POLL"' policy = { donor = "always"; };' agent_start 4
AGENT_EXTRA_CONF=$POLL agent_start 2
for a in 1 4 2; do
	expect_http "${AGENT_PORT[a]}" 200 "$SYNCED" 5 "agent$a before the SST" >/dev/null
done

node_stop 3
# an agent whose mysqld is down starts anyway and says so
AGENT_EXTRA_CONF=$POLL agent_start 3
expect_http "${AGENT_PORT[3]}" 503 'not ready' 5 "agent3 with node3 stopped" >/dev/null
rm -f "$CCK_TMP/node3/data/grastate.dat" "$CCK_TMP/node3/data/galera.cache"
node_launch 3 --wsrep-sst-donor=node1

# Timeline, sampled as fast as possible: node1's state before and after the
# agents' answers, so that an answer is judged only when node1 was Donor
# throughout. Agents poll every 100 ms: judge only from 700 ms into the
# donor phase.
timeline=$CCK_LOGDIR/timeline.txt
echo "# ms node1(state,desync) agent1(never) agent4(always) agent2(node2) agent3(node3) node3_state" >"$timeline"
now_ms; t0=$REPLY; deadline=$((t0 + 180000))
donor_ms=0 donor_since=-1 a1_donor_503=0 a4_donor_200=0 judged=0 a3_joining_503=0
bad="" nbad=0
# keep the first two problems, count the rest
problem() {
	nbad=$((nbad + 1))
	((nbad > 2)) || bad+="${bad:+; }$1"
}
n1q="SELECT CONCAT((SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='WSREP_LOCAL_STATE'), ',', @@wsrep_desync)"
while :; do
	now_ms; t=$((REPLY - t0))
	((REPLY < deadline)) || fail "node3 did not finish its SST in 180 s: $(node_describe 3)"
	node_alive 3 || fail "node3 died during the SST: $(tail -n 5 "$CCK_TMP/node3/error.log")"
	before=$(node_sql 1 "$n1q" 2>/dev/null) || before="?"
	r1=$(http_get "${AGENT_PORT[1]}")
	r4=$(http_get "${AGENT_PORT[4]}")
	r2=$(http_get "${AGENT_PORT[2]}")
	r3=$(http_get "${AGENT_PORT[3]}")
	after=$(node_sql 1 "$n1q" 2>/dev/null) || after="?"
	s3=$(node_status 3 wsrep_local_state 2>/dev/null) || s3="-"
	printf '%6d %s/%s | %s | %s | %s | %s | %s\n' "$t" "$before" "$after" "$r1" "$r4" "$r2" "$r3" "$s3" >>"$timeline"

	if [[ $before == 2,OFF && $after == 2,OFF ]]; then
		((donor_since >= 0)) || donor_since=$t
		donor_ms=$((t - donor_since))
		if ((donor_ms >= 700)); then
			judged=$((judged + 1))
			if [[ $r1 =~ ^503\ .*[Dd]onor ]]; then
				a1_donor_503=$((a1_donor_503 + 1))
			else
				problem "at ${t} ms node1 Donor for ${donor_ms} ms but agent1 (donor=never) said '$r1'"
			fi
			if [[ $r4 == "200 "* ]]; then
				a4_donor_200=$((a4_donor_200 + 1))
			else
				problem "at ${t} ms node1 Donor for ${donor_ms} ms but agent4 (donor=always) said '$r4'"
			fi
		fi
	elif [[ $before != 2,OFF ]]; then
		donor_since=-1
	fi
	[[ $r2 == "200 "* ]] || problem "at ${t} ms agent2 (node2, not the donor) said '$r2'"
	[[ $s3 != 4 && $r3 == "503 "* ]] && a3_joining_503=1
	[[ $s3 == 4 ]] && break
	sleep 0.02
done
now_ms; echo "node3 joined by SST in $((REPLY - t0)) ms; timeline in $timeline" >&2
cat "$timeline" >&2

donor_total=$(awk '$2 ~ /^2,OFF\/2,OFF$/ { if (!f) f = $1; l = $1 } END { print (l - f) }' "$timeline")
echo "node1 seen as Donor (state 2, desync OFF) for ~${donor_total} ms; $judged samples judged" >&2
((judged >= 3)) || fail "donor phase too short to judge (node1 Donor for ~${donor_total} ms, $judged samples; raise CCK_SST_PAD_MB)"
((nbad == 0)) || fail "$bad${nbad:+ ($nbad problems in all; timeline in the log)}"
((a1_donor_503 > 0 && a4_donor_200 > 0)) || fail "no judged sample (a1=$a1_donor_503 a4=$a4_donor_200)"
((a3_joining_503)) || fail "agent3 never answered 503 while node3 was not Synced"

for a in 1 4 2 3; do
	expect_http "${AGENT_PORT[a]}" 200 "$SYNCED" 5 "agent$a after the SST" >/dev/null
done
