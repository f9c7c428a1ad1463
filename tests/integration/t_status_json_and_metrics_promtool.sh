# On a Synced node: /status is JSON with the documented fields (checked with
# jq against what mysqld itself reports), "/" with Accept: application/json
# is the same document with /'s status code, /metrics passes
# `promtool check metrics` and carries the wsrep gauges, and no answer of
# any endpoint contains the agent's password.

agent_start 1
port=${AGENT_PORT[1]}
wait_http "$port" 200 '^Galera node is synced' 5 /ready >/dev/null || fail "agent1 /ready: $(http_get "$port" /ready)"

uuid=$(node_status 1 wsrep_cluster_state_uuid)
size=$(node_status 1 wsrep_cluster_size)
status=$(_curl -D "$CCK_LOGDIR/status.headers" "http://127.0.0.1:$port/status")
printf '%s\n' "$status" >"$CCK_LOGDIR/status.json"
tr -d '\r' <"$CCK_LOGDIR/status.headers" | grep -qi '^Content-Type: application/json$' ||
	fail "/status Content-Type: $(grep -i content-type "$CCK_LOGDIR/status.headers")"
jq -e --arg uuid "$uuid" --argjson size "$size" '
	(.ready | .code == 200 and .ok == true and (.reason | type) == "string")
	and (.live | .code == 200 and .ok == true and (.checks | map(.name)) == ["state_transfer", "mysqld"])
	and (.checks | length) == 14 and all(.checks[]; .ok == true)
	and .facts.wsrep_local_state == 4 and .facts.wsrep_cluster_status == "Primary"
	and .facts.wsrep_cluster_size == $size and .facts.wsrep_cluster_state_uuid == $uuid
	and (.mysqld | .outcome == "answered" and .snapshot_age_ms >= 0 and .snapshot_age_ms < 3000)
	and (.policy | .donor == "never" and .live_grace_ms == 30000 and .stale_after_ms == 3000)
	and (.agent | (.version | length) > 0 and .uptime_seconds > 0)
	and (.grastate | .read == true and .uuid == $uuid and .seqno == -1)
	and (.datadir | .sst_in_progress == false and (.path | endswith("/data")))
	and .admin.state == "ready"' <<<"$status" >/dev/null ||
	fail "/status does not hold the documented fields: $(jq -c '{ready, live: .live.code, grastate, datadir, agent, mysqld}' <<<"$status" 2>&1 | head -c 600)"
echo "ok: /status: $(jq -c '{ready: .ready.code, live: .live.code, grastate, agent}' <<<"$status")" >&2

code=$(_curl -o "$CCK_LOGDIR/root.json" -w '%{http_code} %{content_type}' -H 'Accept: application/json' "http://127.0.0.1:$port/")
[[ $code == "200 application/json" ]] || fail "GET / with Accept: application/json: '$code'"
jq -e '.ready.code == 200 and .live.code == 200' "$CCK_LOGDIR/root.json" >/dev/null || fail "/ as JSON: $(head -c 300 "$CCK_LOGDIR/root.json")"
# kubelet's Accept: */* keeps the plain answer
body=$(_curl -H 'Accept: */*' "http://127.0.0.1:$port/")
[[ $body == "Galera node is synced." ]] || fail "GET / with Accept: */*: '$body'"

ctype=$(_curl -o "$CCK_LOGDIR/metrics.txt" -w '%{content_type}' "http://127.0.0.1:$port/metrics")
[[ $ctype == 'text/plain; version=0.0.4; charset=utf-8' ]] || fail "/metrics Content-Type: '$ctype'"
promtool check metrics <"$CCK_LOGDIR/metrics.txt" >"$CCK_LOGDIR/promtool.txt" 2>&1 ||
	fail "promtool check metrics: $(head -c 400 "$CCK_LOGDIR/promtool.txt")"
for line in 'galera_wsrep_local_state 4' "galera_wsrep_cluster_size $size" 'galera_wsrep_ready 1' \
	'galera_wsrep_connected 1' 'galera_wsrep_cluster_status_primary 1' 'galera_grastate_seqno -1' \
	'clustercheckd_verdict_ok{endpoint="ready"} 1' 'clustercheckd_verdict_ok{endpoint="live"} 1' \
	'clustercheckd_mysqld_up 1' 'galera_sst_in_progress 0'; do
	grep -qxF "$line" "$CCK_LOGDIR/metrics.txt" || fail "/metrics lacks '$line'"
done
for re in '^galera_wsrep_last_committed [0-9]+$' '^galera_wsrep_local_recv_queue [0-9]+$' \
	'^galera_wsrep_flow_control_paused_ratio [0-9.e+-]+$' '^clustercheckd_polls_total [1-9][0-9]*$' \
	'^clustercheckd_build_info\{version="[^"]+"\} 1$' \
	'^clustercheckd_http_requests_total\{endpoint="/status",code="200"\} 1$' \
	'^clustercheckd_http_requests_total\{endpoint="/ready",code="200"\} [1-9][0-9]*$'; do
	grep -qE "$re" "$CCK_LOGDIR/metrics.txt" || fail "/metrics has no line matching /$re/"
done
echo "ok: /metrics passes promtool ($(grep -vc '^#' "$CCK_LOGDIR/metrics.txt") samples)" >&2

# HEAD and OPTIONS answer like GET everywhere
for path in /ready /live /status /metrics; do
	for m in HEAD OPTIONS; do
		code=$(http_code "$port" "$path" "$m")
		[[ $code == 200 ]] || fail "$m $path answered $code"
	done
done

# The password of the agent's account never shows.
for path in / /ready /live /status /metrics '/ready?verbose' '/live?verbose'; do
	if _curl -H 'Accept: application/json' "http://127.0.0.1:$port$path" | grep -qF "$CCK_DB_PASS"; then
		fail "the agent's password appears in $path"
	fi
done
echo "ok: no endpoint shows the password" >&2
