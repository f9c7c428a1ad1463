# Draining and maintenance as HAProxy sees them, read from its stats socket:
#   ctl drain  -> 404 on /, "up drain" on the agent port:
#                 HTTP-check-only backend NOLB, agent-check backend DRAIN
#                 (admin state; the status column says NOLB over DRAIN)
#   ctl ready  -> UP in both
#   ctl maint  -> 503 + "maint": DOWN (HTTP only) and MAINT (agent)
#   maintenance file (clustercheck's way) -> the same as ctl maint
# node2 and node3 stay UP throughout.
source "$CCK_REPO/tests/integration/drain_lib.sh"

drain_agents_start
drain_haproxy_start agent
on_exit haproxy_stop
for n in 1 2 3; do
	hx_wait galera "node$n" UP 10
	hx_wait galera_http "node$n" UP 10
done
[[ $(hx_field galera node1 63) == L7OK ]] || fail "agent status is '$(hx_field galera node1 63)', want L7OK (agent said up)"

others_up() {
	local n
	for n in 2 3; do
		for px in galera galera_http; do
			[[ $(hx_field "$px" "node$n" 18) == UP ]] || fail "$px/node$n is $(hx_field "$px" "node$n" 18) while node1 changes, want UP"
		done
	done
}

on_exit 'agent_ctl 1 ready >/dev/null 2>&1 || true'
agent_ctl 1 drain | head -1 | grep -qx 'ok drain' || fail "ctl drain did not answer 'ok drain'"
expect_http "${AGENT_PORT[1]}" 404 '^Galera node is draining' 2 "agent1 answers 404 after ctl drain" >/dev/null
hx_wait galera_http node1 NOLB 6 || fail "HTTP check + disable-on-404 did not put node1 in NOLB"
# HAProxy shows NOLB (the 404) over DRAIN (the agent's word) when both hold;
# the agent's drain is the forced-drain bit of the admin state.
hx_wait galera node1 'NOLB|DRAIN' 6 || fail "node1 not out of rotation in the agent-checked backend"
hx_wait_admin galera node1 8 6 || fail "agent-check 'drain' did not set node1's DRAIN admin state"
others_up

agent_ctl 1 ready >/dev/null
hx_wait galera_http node1 UP 6 || fail "node1 not UP again (HTTP check) after ctl ready"
hx_wait galera node1 UP 6 || fail "node1 not UP again (agent-check) after ctl ready"

agent_ctl 1 maint >/dev/null
expect_http "${AGENT_PORT[1]}" 503 'in maintenance' 2 "agent1 answers 503 after ctl maint" >/dev/null
hx_wait galera node1 MAINT 6 || fail "agent-check 'maint' did not put node1 in MAINT"
hx_wait galera_http node1 DOWN 6 || fail "HTTP check did not mark node1 DOWN in maintenance"
others_up
agent_ctl 1 ready >/dev/null
hx_wait galera node1 UP 8 || fail "node1 did not leave MAINT after ctl ready (only the agent can undo it)"
hx_wait galera_http node1 UP 8

# clustercheck's maintenance file works the same way, and ctl ready cannot
# override it.
touch "$CCK_TMP/agent1.disabled"
# shellcheck disable=SC2016 # expanded when the step runs
on_exit 'rm -f "$CCK_TMP/agent1.disabled"'
expect_http "${AGENT_PORT[1]}" 503 'in maintenance' 2 "agent1 answers 503 with the maintenance file" >/dev/null
hx_wait galera node1 MAINT 6 || fail "maintenance file did not put node1 in MAINT"
if agent_ctl 1 ready >/dev/null; then fail "ctl ready succeeded while the maintenance file exists"; fi
rm -f "$CCK_TMP/agent1.disabled"
hx_wait galera node1 UP 8 || fail "node1 not UP after the maintenance file was removed"
hx_wait galera_http node1 UP 8
