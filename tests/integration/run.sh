#!/usr/bin/env bash
# Integration suite for clustercheckd against a real 3-node Galera cluster.
#
#   tests/integration/run.sh              all scenarios (t_*.sh, in name order)
#   tests/integration/run.sh t_desync     only the scenarios whose name starts so
#
# The cluster is started once; before each scenario cluster_heal brings the
# three nodes back to Synced with default settings. Each scenario runs in a
# subshell with `set -Eeuo pipefail`; `fail "reason"` or any failing command
# fails it. Its on_exit steps run whatever happens.
#
# Environment: CCK_BIN (agent binary, default ./clustercheckd), CCK_KEEP=1
# (leave the cluster running at the end), CCK_VERBOSE=1 (stream scenario
# output), CCK_TMPDIR (parent of the temporary directory, default /tmp).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/integration/lib.sh
source "$HERE/lib.sh"

scenarios=()
if (($#)); then
	for arg in "$@"; do
		arg=$(basename "$arg" .sh)
		found=0
		for f in "$HERE/$arg".sh "$HERE/$arg"*.sh; do
			[[ -f $f ]] || continue
			[[ " ${scenarios[*]-} " == *" $f "* ]] || scenarios+=("$f")
			found=1
		done
		((found)) || { echo "run.sh: no scenario matches '$arg'" >&2; exit 2; }
	done
else
	for f in "$HERE"/t_*.sh; do [[ -f $f ]] && scenarios+=("$f"); done
fi
((${#scenarios[@]})) || { echo "run.sh: no scenarios found in $HERE" >&2; exit 2; }

if [[ ! -x $CCK_BIN ]]; then
	echo "run.sh: agent binary $CCK_BIN not found; build it first (make)" >&2
	exit 2
fi
for tool in mariadbd mariadb mariadb-install-db haproxy curl socat ss rsync timeout jq promtool; do
	command -v "$tool" >/dev/null || { echo "run.sh: $tool not found (scripts/deps.sh installs it)" >&2; exit 2; }
done
[[ -f $GALERA_PROVIDER ]] || { echo "run.sh: $GALERA_PROVIDER not found (package galera-4)" >&2; exit 2; }

fmt_ms() { printf '%d.%d s' $(($1 / 1000)) $((($1 % 1000) / 100)); }

# The original stdout/stderr: a trap may run while a scenario's output is
# redirected to its log file.
exec 3>&1 4>&2
passed=0
failed=0
times=() # "MS NAME" per scenario, cluster_heal included
current=""
scen_pid=""
_on_signal() {
	trap '' INT TERM HUP
	if [[ $current == "<done>" ]]; then
		echo "run.sh: interrupted while stopping the cluster" >&4
		exit 130
	fi
	echo "run.sh: interrupted${current:+ during $current}; stopping everything" >&4
	# the scenario runs its on_exit steps on SIGTERM
	[[ -n $scen_pid ]] && stop_pid "$scen_pid" 20 "scenario $current" 2>&4
	echo "$passed passed, $((failed + 1)) failed" >&3
	exit 130
}
trap 'cck_cleanup >&3 2>&4' EXIT
trap _on_signal INT TERM HUP

now_ms; suite_t0=$REPLY
if ! cluster_start; then
	echo "run.sh: could not start the Galera cluster" >&2
	for i in 1 2 3; do
		[[ -f $CCK_TMP/node$i/error.log ]] || continue
		echo "--- node$i error log (tail):" >&2
		tail -n 30 "$CCK_TMP/node$i/error.log" >&2
	done
	echo "0 passed, ${#scenarios[@]} failed"
	exit 1
fi

# Byte offsets of the node error logs, to show only what a scenario produced.
declare -A log_off
_mark_logs() {
	local f
	for f in "$CCK_TMP"/node*/error.log "$CCK_TMP"/haproxy.log; do
		[[ -f $f ]] && log_off[$f]=$(stat -c %s "$f")
	done
}
_show_logs() {
	local name=$1 out=$2 f
	{
		echo "----- $name: scenario output (tail)"
		tail -n 40 "$out"
		for f in "$CCK_LOGDIR"/agent*.log; do
			[[ -f $f ]] || continue
			echo "----- $name: $(basename "$f") (tail)"
			tail -n 25 "$f"
		done
		for f in "$CCK_TMP"/node*/error.log "$CCK_TMP"/haproxy.log; do
			[[ -f $f ]] || continue
			echo "----- $name: ${f#"$CCK_TMP"/} since the scenario started (tail)"
			tail -c +"$((${log_off[$f]:-0} + 1))" "$f" | grep -v '^\s*$' | tail -n 15
		done
		echo "----- $name: cluster now"
		for i in 1 2 3; do node_describe "$i"; done
	} >&2
}

# One scenario, in a subshell: strict mode, first error is the reason,
# on_exit steps always run.
_run_scenario() (
	CCK_REASON_FILE=$3
	set -Eeuo pipefail
	trap '_scenario_err $? "${BASH_SOURCE[0]##*/}:$LINENO" "$BASH_COMMAND"' ERR
	trap _run_on_exit EXIT
	trap 'exit 130' INT TERM HUP
	echo "=== $2 ($(date '+%F %T'))"
	# shellcheck source=/dev/null
	source "$1"
)

for t in "${scenarios[@]}"; do
	name=$(basename "$t" .sh)
	current=$name
	export CCK_LOGDIR=$CCK_TMP/logs/$name
	mkdir -p "$CCK_LOGDIR"
	out=$CCK_LOGDIR/output.log
	reason_file=$CCK_LOGDIR/reason
	: >"$reason_file"
	_mark_logs
	now_ms; t0=$REPLY
	if ! cluster_heal >>"$out" 2>&1; then
		echo "cluster_heal failed before the scenario" >"$reason_file"
		rc=1
	else
		# in the background, so that a signal to run.sh is handled at once
		if [[ ${CCK_VERBOSE:-0} == 1 ]]; then
			_run_scenario "$t" "$name" "$reason_file" > >(tee -a "$out" | sed -u "s/^/  [$name] /" >&4) 2>&1 &
		else
			_run_scenario "$t" "$name" "$reason_file" >>"$out" 2>&1 &
		fi
		scen_pid=$!
		wait "$scen_pid"
		rc=$?
		scen_pid=""
	fi
	# whatever the scenario left behind
	agent_stop_all >>"$out" 2>&1
	haproxy_stop >>"$out" 2>&1
	xinetd_stop_all >>"$out" 2>&1
	now_ms; dt=$((REPLY - t0))
	times+=("$dt $name")
	if ((rc == 0)); then
		passed=$((passed + 1))
		echo "PASS $name"
		echo "     ($(fmt_ms $dt))"
	else
		failed=$((failed + 1))
		reason=$(head -n 1 "$reason_file")
		echo "FAIL $name: ${reason:-exit status $rc}"
		echo "     ($(fmt_ms $dt))"
		_show_logs "$name" "$out"
	fi
	if ((rc == 130)); then
		echo "$passed passed, $failed failed"
		exit 130
	fi
done

current="<done>"
now_ms
echo "integration suite took $(fmt_ms $((REPLY - suite_t0))) (logs in $CCK_TMP/logs while it runs)," \
	"$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end; the slowest:" >&2
printf '%s\n' "${times[@]}" | sort -rn | head -n 8 | while read -r ms n; do echo "  $(fmt_ms "$ms")  $n"; done >&2
echo "$passed passed, $failed failed"
((failed == 0))
