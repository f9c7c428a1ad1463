# shellcheck shell=bash
# GET /cluster with node3's mysqld stopped and agent2 stopped: agent1 still
# answers one line per node (itself ready, db2 unknown with the reason,
# db3 not ready with its reason), in text and in JSON; agent3, whose own
# mysqld is down, answers too and still shows the writer.
source "$CCK_REPO/tests/integration/cluster_lib.sh"

cluster_agents_start
wait_writer 1 20

node_stop 3
agent_stop 2
expect_http "${AGENT_PORT[3]}" 503 'not ready' 15 "agent3 after node3 stopped" >/dev/null

_cluster_text_ok() {
	local body
	body=$(http_body "${AGENT_PORT[1]}" /cluster)
	echo "$body"
	grep -q '^cluster seen from db1: writer db1$' <<<"$body" &&
		grep -q '^1 db1 (priority 1): ready (200): Synced; state Synced; WRITER; seqno [0-9]*; [0-9]* ms ago (this node)$' <<<"$body" &&
		grep -Eq '^2 db2 \(priority 2\): .*(STALE|unknown).*(refused|Couldn.t connect)' <<<"$body" &&
		grep -Eq '^3 db3 \(priority 3\): not ready \(503\): .*; not eligible; .* ms ago; ' <<<"$body"
}
wait_until 10 "agent1's /cluster to show db2 unreachable and db3 not ready" _cluster_text_ok
http_body "${AGENT_PORT[1]}" /cluster | sed 's/^/    /' >&2

json=$(curl -s --max-time 2 -H 'Accept: application/json' "http://127.0.0.1:${AGENT_PORT[1]}/cluster")
[[ $(jq -r '.nodes | length' <<<"$json") == 3 ]] || fail "/cluster JSON without three nodes: $json"
[[ $(jq -r '.writer.node' <<<"$json") == db1 ]] || fail "/cluster JSON writer is not db1: $json"
[[ $(jq -r '.nodes[1].name, .nodes[1].fresh' <<<"$json" | tr '\n' ' ') == "db2 false " ]] ||
	fail "/cluster JSON does not say db2 is stale: $json"
[[ $(jq -r '.nodes[2].report.ready_code, .nodes[2].report.eligible' <<<"$json" | tr '\n' ' ') == "503 false " ]] ||
	fail "/cluster JSON does not say db3 is not ready: $json"

# The agent whose own mysqld is down answers with what the others say.
body=$(http_body "${AGENT_PORT[3]}" /cluster)
grep -q '^cluster seen from db3: writer db1$' <<<"$body" || fail "agent3's /cluster: $body"
grep -q '^1 db1 (priority 1): ready (200): Synced; state Synced; WRITER;' <<<"$body" || fail "agent3's /cluster: $body"
grep -q '^3 db3 (priority 3): not ready (503): .*(this node)$' <<<"$body" || fail "agent3's /cluster: $body"
