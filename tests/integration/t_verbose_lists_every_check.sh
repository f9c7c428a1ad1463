# ?verbose lists every check, Kubernetes style, and names the failing one:
# with node1 desynced by hand, /ready?verbose has one line per readiness
# check with exactly one [-] (state), and /live?verbose says alive (a
# desynced node is not worth restarting).

CHECKS=(maintenance mysqld fresh wsrep connected primary wsrep_ready state reject_queries
	pxc_maint_mode cluster_size recv_queue read_only drain)

agent_start 1
port=${AGENT_PORT[1]}
on_exit 'node_sql 1 "SET GLOBAL wsrep_desync=OFF"'
node_sql 1 "SET GLOBAL wsrep_desync=ON"
wait_http "$port" 503 'manually desynced' 5 /ready >/dev/null || fail "agent1 /ready: $(http_get "$port" /ready)"

body=$(http_body "$port" '/ready?verbose')
printf '%s\n' "$body" >"$CCK_LOGDIR/ready_verbose.txt"
code=$(http_code "$port" '/ready?verbose')
[[ $code == 503 ]] || fail "/ready?verbose answered $code with node1 desynced"
for c in "${CHECKS[@]}"; do
	n=$(grep -cE "^\[[+-]\]$c (ok|failed): " <<<"$body" || true)
	((n == 1)) || fail "/ready?verbose has $n lines for check '$c': $body"
done
lines=$(grep -c '^\[' <<<"$body")
((lines == ${#CHECKS[@]})) || fail "/ready?verbose has $lines check lines, want ${#CHECKS[@]}"
failed=$(grep '^\[-\]' <<<"$body")
[[ $failed == '[-]state failed: manually desynced (wsrep_desync=ON)' ]] || fail "/ready?verbose failing lines: '$failed'"
[[ $(tail -n 1 <<<"$body") == 'ready check failed: manually desynced (wsrep_desync=ON)' ]] ||
	fail "/ready?verbose last line: '$(tail -n 1 <<<"$body")'"
# the same for / (HAProxy's path), but for the snapshot's age
root=$(http_body "$port" '/?verbose')
[[ "$(grep -v "^\[+\]fresh ok" <<<"$root")" == "$(grep -v "^\[+\]fresh ok" <<<"$body")" ]] ||
	fail "/?verbose differs from /ready?verbose: $root"

body=$(http_body "$port" '/live?verbose')
code=$(http_code "$port" '/live?verbose')
[[ $code == 200 ]] || fail "/live?verbose answered $code for a desynced node: $body"
[[ $body =~ ^\[\+\]state_transfer\ ok:\ none\ under\ way$'\n'\[\+\]mysqld\ ok:\ mysqld\ answered\ [0-9]+\ ms\ ago$'\n'live\ check\ passed$ ]] ||
	fail "/live?verbose: '$body'"
echo "ok: /ready?verbose names state; /live?verbose passes" >&2

node_sql 1 "SET GLOBAL wsrep_desync=OFF"
wait_http "$port" 200 'ready check passed' 5 '/ready?verbose' >/dev/null || fail "/ready?verbose after desync OFF: $(http_body "$port" '/ready?verbose')"
