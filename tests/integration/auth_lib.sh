# shellcheck shell=bash
# Helpers for the authentication scenarios (t_auth_*.sh): a user with a
# bcrypt hash made the way docs/auth.md says (mkpasswd, package whois), and
# curl with that user's credentials from a private config file, never on
# its command line. Certificates come from tls.sh.
source "$CCK_REPO/tests/integration/tls.sh"

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

# use_https_agents CAFILE: agent_start's wait for an answer asks over
# HTTPS (a plain request to a TLS port is closed unanswered).
use_https_agents() {
	HTTPS_CA=$1
	_agent_answers() {
		local a=$1 pid=$2 code
		if ! pid_alive "$pid"; then
			echo "agent$a (pid $pid) exited"
			return $CCK_WAIT_GIVE_UP
		fi
		code=$(curl -s --max-time 2 --cacert "$HTTPS_CA" -o /dev/null -w '%{http_code}' "https://127.0.0.1:${AGENT_PORT[a]}/" || true)
		echo "HTTPS code $code"
		[[ $code != 000 ]]
	}
}

# auth_https_get WHO PORT PATH -> "CODE BODY" over HTTPS (body lines joined by " | "),
# as WHO (auth_user) or with no credentials (-).
auth_https_get() {
	local who=$1 port=$2 path=$3 args=(-s --max-time 5 --cacert "$HTTPS_CA")
	[[ $who == - ]] || args+=(-K "$CCK_TMP/curl-$who.cfg")
	code_and_body "$(curl "${args[@]}" -w '\n%{http_code}' "https://127.0.0.1:$port$path" || true)" ' | '
}

# auth_wait_https WHO PORT PATH CODE BODY_REGEX TIMEOUT_S WHAT
auth_wait_https() {
	local who=$1 port=$2 path=$3 want=$4 re=$5 timeout=$6 what=$7
	_https_is() {
		local got
		got=$(auth_https_get "$who" "$port" "$path")
		echo "${got:0:400}"
		[[ ${got%% *} == "$want" && ${got#* } =~ $re ]]
	}
	wait_until "$timeout" "$what" _https_is || fail "$what"
}
