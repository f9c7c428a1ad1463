# SIGTERM drains before exiting: agent1 (drain.seconds = 4) answers 404 at
# once and for the whole drain period, HAProxy takes node1 out of rotation
# (NOLB) while the agent still answers, then the agent exits on its own
# after ~4 s. A second agent shows that a second SIGTERM exits at once.
source "$CCK_REPO/tests/integration/drain_lib.sh"

AGENT_DRAIN_SECONDS=4 drain_agents_start
drain_haproxy_start agent
on_exit haproxy_stop
for n in 1 2 3; do hx_wait galera_http "node$n" UP 10; done

pid=$(agent_pid 1)
port=${AGENT_PORT[1]}
now_ms; t0=$REPLY
kill -TERM "$pid"
ms=$(expect_http "$port" 404 '^Galera node is draining: .*SIGTERM' 2 "agent1 404 after SIGTERM")
assert_le "$ms" 500 "ms from SIGTERM to the first 404"

# Every answer until the agent exits is 404; note when HAProxy saw NOLB and
# that the agent was still alive then.
nolb_ms=""
answers=0
while pid_alive "$pid"; do
	code=$(http_code "$port")
	now_ms; t=$REPLY
	if pid_alive "$pid" && [[ $code != 404 && $code != 000 ]]; then
		fail "answer $answers during the drain was $code, want 404"
	fi
	[[ $code == 404 ]] && answers=$((answers + 1))
	if [[ -z $nolb_ms ]] && [[ $(hx_field galera_http node1 18) == NOLB* ]]; then
		pid_alive "$pid" || fail "HAProxy showed NOLB only after the agent exited"
		nolb_ms=$((t - t0))
	fi
	((t - t0 < 10000)) || fail "agent1 still running 10 s after SIGTERM (drain.seconds = 4)"
	sleep 0.05
done
now_ms; exit_ms=$((REPLY - t0))
[[ -n $nolb_ms ]] || fail "HAProxy never showed node1 NOLB while agent1 was draining"
echo "ok: HAProxy NOLB after ${nolb_ms} ms, agent exited after ${exit_ms} ms, ${answers} answers all 404" >&2
((exit_ms >= 3800)) || fail "agent1 exited after ${exit_ms} ms, before its 4 s drain period"
assert_le "$exit_ms" 5500 "ms from SIGTERM to exit (drain.seconds = 4)"

# A second SIGTERM during the drain exits at once.
pid=$(agent_pid 2)
kill -TERM "$pid"
expect_http "${AGENT_PORT[2]}" 404 'draining' 2 "agent2 404 after the first SIGTERM" >/dev/null
now_ms; t0=$REPLY
kill -TERM "$pid"
wait_until 2 "agent2 to exit after the second SIGTERM" _pid_gone "$pid" || fail "second SIGTERM did not exit at once"
now_ms
echo "ok: second SIGTERM exited after $((REPLY - t0)) ms" >&2
