# shellcheck shell=bash
# Helpers for the connection-flood scenarios (t_flood_*.sh): the flood tool
# (bench/flood.c) and counts of the agent's log.
source "$CCK_REPO/tests/integration/hardening.sh"

FLOOD=${FLOOD:-$CCK_REPO/build/flood}

need_flood() {
	[[ -x $FLOOD ]] || fail "$FLOOD not built (make build/flood; make test builds it)"
	need_loadgen
}

# flood_start OUT ARGS...: the flood tool in the background, stopped by pid
# at the end of the scenario; its pid in $REPLY.
flood_start() {
	local out=$1
	shift
	"$FLOOD" "$@" >"$out" 2>"$out.progress" &
	REPLY=$!
	on_exit "stop_pid $REPLY 5 flood"
}

agent_log() { echo "${CCK_LOGDIR:-$CCK_TMP}/agent$1.log"; }
log_lines() { wc -l <"$(agent_log "$1")"; }
