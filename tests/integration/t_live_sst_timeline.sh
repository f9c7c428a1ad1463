# /live and /ready through a real SST, the whole timeline asserted.
#
# node3 loses grastate.dat and galera.cache and rejoins with a full rsync
# SST from node1 (--wsrep-sst-donor=node1). Both agents are sampled every
# ~50 ms from node3's launch until it is Synced; each sample records the
# time, node1's state (before and after the requests), agent1's and agent3's
# /ready and /live (code and body) and node3's state. Asserted:
#   - agent3 (joiner) /live never failed, and some samples were 200 while
#     its mysqld had not answered for longer than the grace (5 s here):
#     only the sst_in_progress marker kept it alive then (the joiner's
#     mysqld opens no socket until the SST and its recovery are done);
#   - agent3 /ready was 503 whenever node3 was not Synced, and was seen 503
#     while node3 was joining;
#   - node1 was seen as a real donor (state 2, wsrep_desync OFF) and agent1
#     answered /ready 503 "Donor" (donor policy never) once the donor phase
#     had lasted longer than two polls plus slack, and /live 200 throughout;
#   - at the end all four answers are 200.
#
# node1 first gets ~400 MB of local (wsrep_on=OFF) MyISAM data so that the
# transfer lasts a few seconds; it is dropped at the end.

PAD_MB=${CCK_SST_PAD_MB:-600}
# Longer than mysqld's start-up up to the SST script (~2.5 s here), shorter
# than the time the joiner's mysqld does not answer (~9 s with 600 MB).
GRACE_MS=${CCK_SST_GRACE_MS:-5000}
POLL='poll = { interval_ms = 100; };'

node_pad 1 cck_live_sst "$PAD_MB"

AGENT_EXTRA_CONF=$POLL agent_start 1
wait_http "${AGENT_PORT[1]}" 200 '^Galera node is synced' 5 /ready >/dev/null || fail "agent1 /ready before: $(http_get "${AGENT_PORT[1]}" /ready)"

node_forget_state 3
[[ ! -e $CCK_TMP/node3/data/sst_in_progress ]] || fail "a stale sst_in_progress marker is in node3's datadir"
# Started with node3 down: its grace runs from here, so the launch must
# follow at once (the start-up before the SST script runs is covered by
# the grace, as by a startupProbe in Kubernetes).
AGENT_EXTRA_CONF="$POLL live = { grace_ms = $GRACE_MS; };" agent_start 3
node_launch 3 --wsrep-sst-donor=node1

timeline=$CCK_LOGDIR/timeline.txt
smp=$CCK_LOGDIR/sample
mkdir -p "$smp"
echo "# ms | node1 state,desync before/after | agent1 /ready | agent1 /live | agent3 /ready | agent3 /live | node3 state" >"$timeline"
n1q="SELECT CONCAT((SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME='WSREP_LOCAL_STATE'), ',', @@wsrep_desync)"
now_ms; t0=$REPLY; deadline=$((t0 + 180000))
bad="" beyond_grace=0 donor_since=-1 judged=0 a3_ready_503_joining=0 a3_live_marker=0 samples=0
first_not_synced=-1 first_marker=-1 last_marker=-1 first_donor=-1 last_donor=-1
while :; do
	now_ms; t=$((REPLY - t0))
	((REPLY < deadline)) || fail "node3 did not finish its SST in 180 s: $(node_describe 3)"
	node_alive 3 || fail "node3 died during the SST: $(tail -n 5 "$CCK_TMP/node3/error.log")"
	before=$(node_sql 1 "$n1q" 2>/dev/null) || before="?"
	# the four answers at once, between the two looks at node1
	# (wait by pid: a bare `wait` would also wait for the agents and mysqld)
	pids=()
	http_get "${AGENT_PORT[1]}" /ready >"$smp/r1" & pids+=($!)
	http_get "${AGENT_PORT[1]}" /live >"$smp/l1" & pids+=($!)
	http_get "${AGENT_PORT[3]}" /ready >"$smp/r3" & pids+=($!)
	http_get "${AGENT_PORT[3]}" '/live?verbose' >"$smp/l3" & pids+=($!)
	wait "${pids[@]}"
	pids=()
	{ node_sql 1 "$n1q" 2>/dev/null || echo "?"; } >"$smp/after" & pids+=($!)
	{ NODE_SQL_TIMEOUT=2 node_status 3 wsrep_local_state 2>/dev/null || echo "-"; } >"$smp/s3" & pids+=($!)
	wait "${pids[@]}"
	r1=$(<"$smp/r1") l1=$(<"$smp/l1") r3=$(<"$smp/r3") l3=$(<"$smp/l3")
	after=$(<"$smp/after") s3=$(<"$smp/s3")
	samples=$((samples + 1))
	printf '%6d | %s/%s | %s | %s | %s | %s | %s\n' "$t" "$before" "$after" "$r1" "$l1" "$r3" "$l3" "$s3" >>"$timeline"

	[[ $l3 == "200 "* ]] || bad+="${bad:+; }at ${t} ms agent3 (joiner) /live said '$l3'"
	[[ $l1 == "200 "* ]] || bad+="${bad:+; }at ${t} ms agent1 (donor) /live said '$l1'"
	if [[ $l3 =~ ^200\ .*no\ answer\ for\ ([0-9]+)\ ms,\ beyond\ the\ [0-9]+\ ms\ grace,\ but\ a\ state\ transfer\ is\ under\ way ]]; then
		beyond_grace=$((beyond_grace + 1))
	fi
	if [[ $l3 == *"sst_in_progress marker"* ]]; then
		a3_live_marker=$((a3_live_marker + 1))
		((first_marker >= 0)) || first_marker=$t
		last_marker=$t
	fi
	if [[ $s3 != 4 ]]; then
		((first_not_synced >= 0)) || first_not_synced=$t
		[[ $r3 == "503 "* ]] || bad+="${bad:+; }at ${t} ms node3 not Synced ($s3) but agent3 /ready said '$r3'"
		[[ $r3 =~ ^503\ .*(Joining|Joined|unreachable|wsrep_local_state=[013]|not\ accepting) ]] &&
			a3_ready_503_joining=$((a3_ready_503_joining + 1))
	fi
	if [[ $before == 2,OFF && $after == 2,OFF ]]; then
		((donor_since >= 0)) || donor_since=$t
		((first_donor >= 0)) || first_donor=$t
		last_donor=$t
		# two polls (100 ms each) plus slack after the donor phase began
		if ((t - donor_since >= 700)); then
			judged=$((judged + 1))
			[[ $r1 =~ ^503\ .*Donor ]] ||
				bad+="${bad:+; }at ${t} ms node1 Donor for $((t - donor_since)) ms but agent1 /ready said '$r1'"
		fi
	elif [[ $before != 2,OFF ]]; then
		donor_since=-1
	fi
	[[ $s3 == 4 ]] && break
	sleep 0.02
done
now_ms; total=$((REPLY - t0))
cat "$timeline" >&2
{
	echo "samples: $samples in $total ms"
	echo "node3 not Synced from ${first_not_synced} ms to $t ms (joined by SST in $total ms)"
	echo "sst_in_progress named by agent3 /live from ${first_marker} to ${last_marker} ms ($a3_live_marker samples)"
	echo "agent3 /live 200 with mysqld silent beyond the ${GRACE_MS} ms grace: $beyond_grace samples"
	echo "node1 Donor (2,OFF) from ${first_donor} to ${last_donor} ms; $judged samples judged"
} | tee "$CCK_LOGDIR/summary.txt" >&2

[[ -z $bad ]] || fail "${bad:0:700}"
((a3_live_marker > 0)) || fail "agent3 /live never named the sst_in_progress marker during the SST"
((a3_ready_503_joining > 0)) || fail "agent3 /ready never answered 503 joining while node3 was not Synced"
((judged >= 2)) || fail "donor phase too short to judge ($judged samples; raise CCK_SST_PAD_MB)"
# Without the marker /live would have failed: the test proves something
# only if the joiner stayed silent beyond the grace.
((beyond_grace > 0)) ||
	fail "node3's mysqld never stayed silent beyond the ${GRACE_MS} ms grace during the SST: nothing proven (raise CCK_SST_PAD_MB)"

for a in 1 3; do
	wait_http "${AGENT_PORT[a]}" 200 '^Galera node is synced' 5 /ready >/dev/null || fail "agent$a /ready after the SST: $(http_get "${AGENT_PORT[a]}" /ready)"
	wait_http "${AGENT_PORT[a]}" 200 '^Galera node is alive: mysqld answered' 5 /live >/dev/null || fail "agent$a /live after the SST: $(http_get "${AGENT_PORT[a]}" /live)"
done
[[ ! -e $CCK_TMP/node3/data/sst_in_progress ]] || fail "sst_in_progress still in node3's datadir after the SST"
