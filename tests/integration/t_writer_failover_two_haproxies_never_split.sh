# shellcheck shell=bash
# Two HAProxy instances in front of the same three nodes, both checking
# /writer (haproxy/single-writer.cfg, scenario timings), a client writing
# through each: one with a new connection per transaction, one with
# long-lived connections, both also updating one hot row. The writer's
# mysqld is stopped, then started again. Sampled every 50 ms: the two
# HAProxies never route writes to two different nodes (handover_ms covers
# fall x inter + timeout check, so the documented window is 0); every
# transaction a client saw committed is in the table afterwards.
source "$CCK_REPO/tests/integration/drain_lib.sh"
source "$CCK_REPO/tests/integration/cluster_lib.sh"

# HAProxy here: inter 500, fall 2, timeout check 2 s (lib.sh's defaults):
# handover_ms = 2 x 500 + 2000 = 3000.
CLUSTER_HANDOVER_MS=3000
cluster_agents_start
wait_writer 1 20

load_setup
node_sql 1 "CREATE TABLE IF NOT EXISTS cck.hot (id INT PRIMARY KEY, n BIGINT NOT NULL);
	INSERT IGNORE INTO cck.hot VALUES (1, 0)"
port2=$(cck_spare_port 8)
writer_haproxy_start haproxy "$HAPROXY_PORT"
writer_haproxy_start haproxy2 "$port2"
wait_until 10 "haproxy to route to node1 only" _haproxy_routes_to haproxy node1
wait_until 10 "haproxy2 to route to node1 only" _haproxy_routes_to haproxy2 node1

sampler_start routes "stat:$CCK_TMP/haproxy.sock" "stat:$CCK_TMP/haproxy2.sock" \
	"http:${AGENT_PORT[1]}/writer" "http:${AGENT_PORT[2]}/writer" "http:${AGENT_PORT[3]}/writer"
cert_before=$(for i in 2 3; do node_status "$i" wsrep_local_cert_failures; done | awk '{ s += $1 } END { print s + 0 }')
cluster_load_start short "$HAPROXY_PORT" --hot
cluster_load_start long "$port2" --persistent --hot
cluster_wait_flowing

cck_log "stopping node1 (the writer)"
node_stop 1
wait_writer 2 30
wait_until 10 "haproxy to route to node2 only" _haproxy_routes_to haproxy node2
wait_until 10 "haproxy2 to route to node2 only" _haproxy_routes_to haproxy2 node2
cluster_wait_flowing

cck_log "starting node1 again"
node_start 1
wait_writer 1 60
wait_until 10 "haproxy to route to node1 only" _haproxy_routes_to haproxy node1
wait_until 10 "haproxy2 to route to node1 only" _haproxy_routes_to haproxy2 node1
cluster_wait_flowing

short=$(load_stop short)
long=$(load_stop long)
sampler_stop routes
cck_log "client through haproxy (new connection per transaction): $short"
cck_log "client through haproxy2 (long-lived connections): $long"

# Routing: never two different nodes, never two servers UP in one HAProxy.
f=$CCK_TMP/routes.samples
split=$(awk '$2 ~ /\+/ || $3 ~ /\+/ || ($2 != "-" && $3 != "-" && $2 != $3)' "$f")
[[ -z $split ]] || fail "writes routed to two nodes: $(head -n 3 <<<"$split")"
two=$(awk '{ c = 0; for (i = 4; i <= 6; i++) if ($i == 200) c++; if (c > 1) print }' "$f")
[[ -z $two ]] || fail "two 200s on /writer: $(head -n 3 <<<"$two")"
n=$(wc -l <"$f")
span=$(awk 'NR == 1 { a = $1 } { b = $1 } END { print b - a }' "$f")
((n * 100 >= span)) || fail "only $n samples in $span ms"
for want in "node1 node1" "node2 node2"; do
	grep -q "^[0-9]* $want " "$f" || fail "the sampler never saw both HAProxies on '$want'"
done
# The longest stretch without a writer in each HAProxy (failover and failback).
gaps=$(awk '{ for (h = 2; h <= 3; h++) { if ($h == "-") { if (!s[h]) s[h] = $1; if ($1 - s[h] > m[h]) m[h] = $1 - s[h] } else s[h] = 0 } }
	END { printf "haproxy %d ms, haproxy2 %d ms", m[2], m[3] }' "$f")
cck_log "$n samples over $span ms: both HAProxies always on the same node or none; longest time without a writer: $gaps"

# Durability: every acknowledged transaction is in the table (node2 has
# been in the Primary Component the whole time).
node_sql 2 "SELECT CONCAT(run, ' ', worker, ' ', seq) FROM cck.load_rows" | sort >"$CCK_TMP/rows.sorted"
sort "$CCK_TMP/short.acked" "$CCK_TMP/long.acked" >"$CCK_TMP/acked.sorted"
acked=$(wc -l <"$CCK_TMP/acked.sorted")
((acked > 100)) || fail "only $acked acknowledged transactions: the clients did not really write"
lost=$(comm -23 "$CCK_TMP/acked.sorted" "$CCK_TMP/rows.sorted" | wc -l)
((lost == 0)) || fail "$lost acknowledged transactions are not in the table, e.g. $(comm -23 "$CCK_TMP/acked.sorted" "$CCK_TMP/rows.sorted" | head -n 3 | tr '\n' ';')"
cert_after=$(for i in 2 3; do node_status "$i" wsrep_local_cert_failures; done | awk '{ s += $1 } END { print s + 0 }')
cck_log "$acked acknowledged transactions, 0 lost; wsrep_local_cert_failures on node2+node3 during the run: $((cert_after - cert_before)) (node1: $(node_status 1 wsrep_local_cert_failures) since its restart)"
