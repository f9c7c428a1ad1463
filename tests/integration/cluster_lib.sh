# shellcheck shell=bash
# Helpers for the cluster-aware scenarios (/writer, /cluster): agents 1..3
# configured as peers db1..db3 of each other, sampling /writer on all three
# at once, and a second HAProxy. Sourced after lib.sh; same pid-file
# conventions, so run.sh's cleanup stops what they start.

# Test timings (production defaults and their arithmetic: docs/cluster.md).
# HAProxy checks every 500 ms, fall 2, timeout check 500 ms:
# handover >= fall x inter + timeout = 2 x 500 + 500 = 1500 ms.
CLUSTER_HAPROXY_TIMINGS=${CLUSTER_HAPROXY_TIMINGS:-"inter 500 fastinter 500 downinter 500 rise 2 fall 2"}
CLUSTER_HANDOVER_MS=${CLUSTER_HANDOVER_MS:-1500}
# failback_delay_ms >= 2 x stale_after_ms + timeout_ms (cfg.c checks it)
CLUSTER_STALE_MS=${CLUSTER_STALE_MS:-1500}
CLUSTER_TIMEOUT_MS=${CLUSTER_TIMEOUT_MS:-500}
CLUSTER_FAILBACK_MS=${CLUSTER_FAILBACK_MS:-4000}

# cluster_conf NAME: the cluster = { ... } block for agent NAME's config.
cluster_conf() {
	local i
	printf 'poll = { interval_ms = 250; stale_after_ms = %s; };\n' "$CLUSTER_STALE_MS"
	printf 'cluster = { name = "%s"; handover_ms = %s; failback_delay_ms = %s; timeout_ms = %s;\n' \
		"$1" "$CLUSTER_HANDOVER_MS" "$CLUSTER_FAILBACK_MS" "$CLUSTER_TIMEOUT_MS"
	printf '  recovered_file = "%s/agent%s.recovered";\n  peers = (' "$CCK_TMP" "${1#db}"
	for i in 1 2 3; do
		printf '%s { name = "db%s"; url = "http://127.0.0.1:%s"; priority = %s; }' \
			"$([[ $i == 1 ]] || echo ,)" "$i" "${AGENT_PORT[i]}" "$i"
	done
	printf ' ); };\n'
}

# cluster_agent_start A: agent A (1..3) as peer dbA.
cluster_agent_start() {
	AGENT_EXTRA_CONF="$(cluster_conf "db$1")" agent_start "$1"
}

cluster_agents_start() {
	local a
	for a in 1 2 3; do cluster_agent_start "$a" || return 1; done
}

# writer_codes -> "c1 c2 c3": /writer's code on agents 1..3, asked at once
# (one curl, three transfers in parallel; 000 = no answer within 1 s).
writer_codes() {
	local a line out=(000 000 000 000) urls=()
	for a in 1 2 3; do urls+=(-o /dev/null "http://127.0.0.1:${AGENT_PORT[a]}/writer"); done
	while read -r line; do
		for a in 1 2 3; do
			[[ ${line%% *} == "${AGENT_PORT[a]}" ]] && out[a]=${line##* }
		done
	done < <(curl -s --parallel --parallel-immediate --max-time 1 -w '%{remote_port} %{http_code}\n' "${urls[@]}" 2>/dev/null)
	echo "${out[1]} ${out[2]} ${out[3]}"
}

# _writer_is A: agent A answers 200 on /writer and the two others 503.
_writer_is() {
	local codes want
	codes=$(writer_codes)
	want="503 503 503"
	want=$(awk -v a="$1" '{ $a = 200; print }' <<<"$want")
	echo "/writer codes: $codes"
	[[ $codes == "$want" ]]
}

# wait_writer A TIMEOUT_S: agent A becomes the only writer.
wait_writer() { wait_until "$2" "agent$1 the only 200 on /writer" _writer_is "$1"; }

# cck_sample (tests/integration/cck_sample.c), built once per sandbox.
cck_sample_bin() {
	local bin=$CCK_TMP/cck_sample
	if [[ ! -x $bin ]]; then
		cc -O2 -Wall -o "$bin" "$CCK_REPO/tests/integration/cck_sample.c" || return 1
	fi
	echo "$bin"
}

# sampler_start NAME TARGET...: cck_sample every 50 ms in the background,
# lines in $CCK_TMP/NAME.samples, until sampler_stop NAME.
sampler_start() {
	local name=$1 bin pid
	shift
	bin=$(cck_sample_bin) || return 1
	rm -f "$CCK_TMP/$name.stop"
	"$bin" 50 "$CCK_TMP/$name.stop" "$@" >"$CCK_TMP/$name.samples" 2>&1 </dev/null &
	pid=$!
	echo "$pid" >"$CCK_TMP/$name.pid"
	on_exit "sampler_stop $name"
}

sampler_stop() {
	touch "$CCK_TMP/$1.stop"
	wait_until 5 "sampler $1 to exit" _pid_gone "$(cat "$CCK_TMP/$1.pid" 2>/dev/null || echo 0)" >/dev/null ||
		stop_pidfile "$CCK_TMP/$1.pid" 5
}

# writer_sampler_start: /writer on agents 1..3, every 50 ms.
writer_sampler_start() {
	sampler_start writers "http:${AGENT_PORT[1]}/writer" "http:${AGENT_PORT[2]}/writer" \
		"http:${AGENT_PORT[3]}/writer"
}

writer_sampler_stop() { sampler_stop writers; }

# assert_never_two_writers: no sample of writer_sampler_start had two 200s;
# and it sampled for real: at least one sample per 100 ms on average.
assert_never_two_writers() {
	local f=$CCK_TMP/writers.samples bad n span
	n=$(wc -l <"$f")
	bad=$(awk '{ c = 0; for (i = 2; i <= 4; i++) if ($i == 200) c++; if (c > 1) print }' "$f")
	[[ -z $bad ]] || fail "two writers at once: $(head -n 3 <<<"$bad")"
	span=$(awk 'NR == 1 { a = $1 } { b = $1 } END { print b - a }' "$f")
	((n >= 20 && n * 100 >= span)) || fail "only $n samples of /writer in $span ms"
	cck_log "$n samples of /writer on three agents over $span ms: never two 200s"
}

# expect_writer A CODE BODY_REGEX TIMEOUT_S WHAT: agent A's /writer comes to
# answer CODE with a matching body.
expect_writer() {
	local ms
	ms=$(wait_http "${AGENT_PORT[$1]}" "$2" "$3" "$4" /writer 2>&1) || fail "$5: $ms"
	echo "ok: $5 after ${ms} ms" >&2
}

# hold_writer A CODE BODY_REGEX SECONDS WHAT: ...and keeps answering so.
hold_writer() {
	local deadline last n=0
	secs_to_ms "$4"; deadline=$REPLY
	now_ms; deadline=$((deadline + REPLY))
	while :; do
		last=$(http_get "${AGENT_PORT[$1]}" /writer)
		n=$((n + 1))
		if [[ ${last%% *} != "$2" || ! ${last#* } =~ $3 ]]; then
			fail "$5: expected $2 /$3/ for ${4}s, answer $n was: $last"
		fi
		now_ms
		((REPLY < deadline)) || break
		sleep 0.05
	done
	echo "ok: $5: $n answers in ${4}s" >&2
}

# cluster_load_start NAME PORT [cck_load flags...]: the load client (2
# workers) through the HAProxy on PORT, every acknowledged COMMIT appended
# to $CCK_TMP/NAME.acked. Needs drain_lib.sh's load_setup first; stopped
# by its load_stop NAME.
cluster_load_start() {
	local name=$1 port=$2 pid
	shift 2
	rm -f "$CCK_TMP/$name.stop"
	CCK_LOAD_PASSWORD=$LOAD_PASS "$CCK_REPO/bench/cck_load" --host 127.0.0.1 --port "$port" \
		--user load --threads "${LOAD_THREADS:-2}" --pause-ms "${LOAD_PAUSE_MS:-10}" \
		--stop-file "$CCK_TMP/$name.stop" --acked "$CCK_TMP/$name.acked" "$@" \
		</dev/null >"$CCK_TMP/$name.out" 2>"$CCK_TMP/$name.err" &
	pid=$!
	echo "$pid" >"$CCK_TMP/$name.pid"
	on_exit "load_stop $name >/dev/null"
}

# writer_haproxy_start NAME PORT: HAProxy NAME on PORT checking /writer,
# with the scenario timings and on-marked-down shutdown-sessions, as in
# haproxy/single-writer.cfg.
writer_haproxy_start() {
	HAPROXY_CHECK="option httpchk GET /writer" \
		HAPROXY_SERVER_OPTS="$CLUSTER_HAPROXY_TIMINGS on-marked-down shutdown-sessions" \
		haproxy_start "$1" "$2"
	on_exit "haproxy_stop $1"
}

# _haproxy_routes_to NAME SERVER: the only UP server of HAProxy NAME.
_haproxy_routes_to() {
	local up
	up=$(haproxy_cmd "show stat" "$1" | awk -F, '$1 == "galera" && $2 ~ /^node/ && $18 ~ /^UP/ { printf "%s%s", s, $2; s = "+" }')
	echo "$1 routes to: ${up:--}"
	[[ $up == "$2" ]]
}

# cluster_wait_flowing NODE: acknowledged transactions of every client grow
# by 20 (counted from the clients' own acked files, so any node may be down).
_acked_total() { cat "$CCK_TMP"/*.acked 2>/dev/null | wc -l; }
_acked_grows() {
	local n
	n=$(_acked_total)
	echo "acknowledged: $n (from $1)"
	((n > $1 + 20))
}
cluster_wait_flowing() { wait_until 20 "transactions committing through HAProxy" _acked_grows "$(_acked_total)"; }
