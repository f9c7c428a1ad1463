# The command line forgives nothing silently: a mistyped subcommand is an
# unknown command (usage on stderr, exit 2, no HTTP answer and no probe of
# mysqld), --help names every mode and subcommand, and --check-config
# reports a `listen` address the daemon could not resolve or bind at start,
# while a port held by a running agent is only a warning (the file is fine;
# checking it before a restart must not fail).
# shellcheck source=tests/integration/lib.sh
source "${BASH_SOURCE[0]%/*}/lib.sh"

dir=$CCK_TMP/cli
mkdir -p "$dir"
conf=$dir/ok.conf
(umask 077; printf 'mysql = { socket = "%s"; user = "%s"; password = "%s"; };\n' \
	"${NODE_SOCK[1]}" "$CCK_DB_USER" "$CCK_DB_PASS" >"$conf")

rc=0
"$CCK_BIN" stauts >"$dir/out" 2>"$dir/err" || rc=$?
((rc == 2)) || fail "'clustercheckd stauts' exited $rc, want 2 (stdout: $(head -c 200 "$dir/out"))"
[[ ! -s $dir/out ]] || fail "'clustercheckd stauts' wrote to stdout: $(head -c 200 "$dir/out")"
[[ $(head -n 1 "$dir/err") == "clustercheckd: unknown command 'stauts'" ]] ||
	fail "first line of stderr: '$(head -n 1 "$dir/err")'"
grep -q '^usage: clustercheckd' "$dir/err" || fail "no usage after the unknown command"
echo "ok: 'clustercheckd stauts' -> exit 2, unknown command + usage, nothing on stdout" >&2

# Part of clustercheck's positional line under our own name is no check either.
rc=0
"$CCK_BIN" "$CCK_DB_USER" "$CCK_DB_PASS" >"$dir/out" 2>"$dir/err" || rc=$?
[[ $rc == 2 && ! -s $dir/out ]] && grep -q "unknown command '$CCK_DB_USER'" "$dir/err" ||
	fail "'clustercheckd <user> <pass>': exit $rc, stdout '$(head -c 200 "$dir/out")'"
echo "ok: 'clustercheckd <user> <pass>' -> exit 2, unknown command" >&2

"$CCK_BIN" --help >"$dir/help"
for want in 'clustercheckd ctl ' 'clustercheckd notify ' '--inetd' '--check ' '--check-config' \
	'--json' 'clustercheck [<user> <pass> | -]' '--listen' '--config' '--version'; do
	grep -qF -- "$want" "$dir/help" || fail "--help does not mention '$want'"
done
echo "ok: --help lists ctl, notify, --inetd, --check, --check-config and the drop-in" >&2

check_config() { # LISTEN -> rc, $dir/cc.out, $dir/cc.err
	rc=0
	"$CCK_BIN" --config "$conf" --listen "$1" --check-config >"$dir/cc.out" 2>"$dir/cc.err" || rc=$?
}

check_config "no-such-host.invalid:9200"
[[ $rc == 1 ]] && grep -q "listen 'no-such-host.invalid:9200': cannot resolve" "$dir/cc.err" ||
	fail "unresolvable listen: exit $rc, '$(cat "$dir/cc.err")'"
echo "ok: unresolvable listen -> exit 1: $(head -n 1 "$dir/cc.err")" >&2

check_config "192.0.2.1:$(cck_spare_port 1)"
[[ $rc == 1 ]] && grep -q "cannot bind: Cannot assign requested address" "$dir/cc.err" ||
	fail "listen on an address not of this host: exit $rc, '$(cat "$dir/cc.err")'"
echo "ok: listen on 192.0.2.1 -> exit 1: $(head -n 1 "$dir/cc.err")" >&2

# The daemon agrees: it refuses to start on that address.
rc=0
timeout 10 "$CCK_BIN" --config "$conf" --listen "192.0.2.1:$(cck_spare_port 1)" >/dev/null 2>"$dir/d.err" || rc=$?
((rc != 0 && rc != 124)) || fail "the daemon on 192.0.2.1: exit $rc"
echo "ok: the daemon refuses it too (exit $rc)" >&2

free=$(cck_spare_port 2)
check_config "127.0.0.1:$free"
[[ $rc == 0 && $(cat "$dir/cc.out") == "configuration OK" && ! -s $dir/cc.err ]] ||
	fail "free port: exit $rc, '$(cat "$dir/cc.out")' '$(cat "$dir/cc.err")'"
echo "ok: free port -> configuration OK" >&2

agent_start 1
on_exit 'agent_stop 1'
check_config "127.0.0.1:${AGENT_PORT[1]}"
[[ $rc == 0 && $(cat "$dir/cc.out") == "configuration OK" ]] &&
	grep -q "warning: listen '127.0.0.1:${AGENT_PORT[1]}': address already in use" "$dir/cc.err" ||
	fail "port of a running agent: exit $rc, '$(cat "$dir/cc.out")' '$(cat "$dir/cc.err")'"
[[ $(http_code "${AGENT_PORT[1]}") == 200 ]] || fail "the running agent stopped answering"
echo "ok: port of the running agent -> warning, configuration OK, the agent still answers" >&2
