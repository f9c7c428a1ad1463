# shellcheck shell=bash
# Helpers for the authentication scenarios (t_auth_*.sh): a user with a
# bcrypt hash made the way docs/auth.md says (mkpasswd, package whois), and
# curl with that user's credentials from a private config file, never on
# its command line.

# auth_user NAME: a fresh random password for NAME in AUTH_PW, its bcrypt
# hash (cost 10) in AUTH_HASH, and $CCK_TMP/curl-NAME.cfg (mode 600) that
# gives curl the pair.
auth_user() {
	local name=$1
	command -v mkpasswd >/dev/null || fail "mkpasswd not installed (apt-get install whois)"
	AUTH_PW="pw:$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
	AUTH_HASH=$(printf '%s\n' "$AUTH_PW" | mkpasswd -m bcrypt -R 10 --stdin) || fail "mkpasswd failed"
	[[ $AUTH_HASH == '$2b$10$'* ]] || fail "mkpasswd made '$AUTH_HASH'"
	(umask 077; printf 'user = "%s:%s"\n' "$name" "$AUTH_PW" >"$CCK_TMP/curl-$name.cfg")
}

# auth_curl NAME CURL_ARGS...: curl as NAME (auth_user NAME first).
auth_curl() {
	local name=$1
	shift
	curl -s --max-time 5 -K "$CCK_TMP/curl-$name.cfg" "$@"
}

# auth_code NAME|- PORT PATH [CURL_ARGS...] -> the status code, as NAME or
# with no credentials (-).
auth_code() {
	local who=$1 port=$2 path=$3
	shift 3
	if [[ $who == - ]]; then
		curl -s --max-time 5 -o /dev/null -w '%{http_code}' "$@" "http://127.0.0.1:$port$path" || true
	else
		auth_curl "$who" -o /dev/null -w '%{http_code}' "$@" "http://127.0.0.1:$port$path" || true
	fi
}

# unauthorized_count METRICS_FILE REASON -> clustercheckd_http_unauthorized_total{reason}
unauthorized_count() {
	awk -v want="clustercheckd_http_unauthorized_total{reason=\"$2\"}" '$1 == want { print $2 }' "$1"
}
