# gmcast.isolate=1 cuts node1 off: after ~5-8 s it is non-Primary and its
# agent answers 503; the other nodes stay 200. isolate=0: back to 200.

for a in 1 2; do agent_start "$a"; done
expect_http "${AGENT_PORT[1]}" 200 '^Galera node is synced\.' 5 "agent1 before isolation" >/dev/null

on_exit 'node_unisolate 1'
node_isolate 1
ms=$(expect_http "${AGENT_PORT[1]}" 503 'not ready: .*non-Primary' 15 "agent1 503 non-Primary after gmcast.isolate=1")
node1_not_primary() {
	local cs
	cs=$(node_status 1 wsrep_cluster_status) || return 1
	echo "wsrep_cluster_status=$cs"
	[[ $cs != Primary ]]
}
wait_until 3 "node1 to report non-Primary" node1_not_primary ||
	fail "agent1 said non-Primary but node1 is still Primary: $(node_describe 1)"
# node2 and node3 keep a Primary component of 2
expect_http "${AGENT_PORT[2]}" 200 '^Galera node is synced\.' 5 "agent2 while node1 is isolated" >/dev/null

node_unisolate 1
ms=$(expect_http "${AGENT_PORT[1]}" 200 '^Galera node is synced\.' 30 "agent1 200 after gmcast.isolate=0")
node_state_is 1 4 3 >/dev/null || fail "agent1 says synced but node1 is not: $(node_describe 1)"
