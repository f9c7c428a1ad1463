# shellcheck shell=bash
# HAProxy's agent-check port under a flood of idle connections: 1,000 from
# 20 other addresses, each reopened as soon as the agent closes it, the old
# socket left open for another second (flood -k). The agent serves that
# port one connection at a time and used to wait up to 100 ms on each for
# HAProxy's agent-send or the client's close (11 s for a check, measured); its answer to a real agent check
# now still comes within 1 s (HAProxy's agent timeout), every time.
source "$CCK_REPO/tests/integration/flood.sh"
need_flood
aport=$(cck_spare_port 1)
AGENT_EXTRA_CONF="agent = { listen = \"127.0.0.1:$aport\"; };" agent_start 1
apid=$(agent_pid 1)

# agent_check_ms: one exchange as HAProxy does it (connect, read the line);
# prints "MS LINE".
agent_check_ms() {
	local fd line t0
	now_ms; t0=$REPLY
	exec {fd}<>"/dev/tcp/127.0.0.1/$aport" || { echo "99999 <refused>"; return 0; }
	read -r -t 5 line <&"$fd" || line="<no answer>"
	exec {fd}>&-
	now_ms
	echo "$((REPLY - t0)) $line"
}
read -r ms line < <(agent_check_ms)
[[ $line == "up ready 100%" ]] || fail "agent check before the flood: '$line'"

flood_start "$CCK_LOGDIR/flood-agent.out" -p "$aport" -n 1000 -a 20 -m idle -k -d 15
fl=$REPLY
# The flood is under way once the tool has connections open.
_open() { grep -Eq '[1-9][0-9]* open' "$CCK_LOGDIR/flood-agent.out.progress"; }
wait_until 5 "the flood to start" _open
worst=0
for i in $(seq 20); do
	read -r ms line < <(agent_check_ms)
	[[ $line == "up ready 100%" ]] || fail "agent check $i during the flood: '$line' after $ms ms"
	((ms > worst)) && worst=$ms
	sleep 0.2
done
stop_pid "$fl" 5 flood
echo "flood: $(cat "$CCK_LOGDIR/flood-agent.out")" >&2
# HAProxy times an agent check out after agent-inter (2 s by default).
assert_le "$worst" 1000 "slowest of 20 agent checks during the flood (ms)"
assert_agent_same 1 "$apid"
