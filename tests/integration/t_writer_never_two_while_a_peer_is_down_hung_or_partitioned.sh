# shellcheck shell=bash
# /writer on three cluster-aware agents, sampled together every 50 ms for
# the whole scenario: never two 200s at once. db1 (priority 1) is the
# writer; a lower peer's agent stopped changes nothing; the writer's agent
# hung (SIGSTOP) leaves NO writer (the others cannot prove it is not one:
# fail closed, and say so); the writer's node partitioned (gmcast.isolate)
# hands over to db2 after handover_ms, and db1 takes the role back after
# failback_delay_ms once it is Synced again.
source "$CCK_REPO/tests/integration/cluster_lib.sh"

cluster_agents_start
wait_writer 1 20
writer_sampler_start

# A lower-ranked peer's agent is down: the writer stays, db3 still defers.
agent_stop 2
expect_writer 3 503 '^not writer: db1 is the writer' 5 "agent3 with agent2 down"
hold_writer 1 200 '^writer: db1 \(priority 1\)' 3 "agent1 stays the writer while agent2 is down"
cluster_agent_start 2
wait_writer 1 10

# The writer's agent hangs: nobody can prove db1 is not the writer.
pid1=$(agent_pid 1)
on_exit "kill -CONT $pid1 2>/dev/null || true"
kill -STOP "$pid1"
expect_writer 2 503 '^not writer: cannot see db1' 5 "agent2 while agent1 is stopped"
expect_writer 3 503 '^not writer: cannot see db1' 5 "agent3 while agent1 is stopped"
hold_writer 2 503 '^not writer: cannot see db1' 2 "agent2 does not take the role while agent1 is hung"
kill -CONT "$pid1"
wait_writer 1 10

# The writer's node is cut off: non-Primary, so db2 takes over after the
# handover; back and Synced, db1 takes it back after the failback delay.
on_exit 'node_unisolate 1'
node_isolate 1
expect_writer 1 503 '^not writer: not ready: .*non-Primary' 20 "agent1 while node1 is isolated"
wait_writer 2 20
curl -s "http://127.0.0.1:${AGENT_PORT[2]}/writer?verbose" | sed 's/^/    /' >&2
node_unisolate 1
wait_writer 1 60

writer_sampler_stop
assert_never_two_writers
# Every stage above was seen by the sampler, not only by the waits.
for want in "200 503 503" "200 000 503" "503 503 503" "503 200 503"; do
	grep -q " $want\$" "$CCK_TMP/writers.samples" || fail "the sampler never saw /writer codes '$want'"
done
