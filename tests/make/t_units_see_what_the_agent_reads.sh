#!/usr/bin/env bash
# The shipped systemd units must not hide from the agent what its defaults
# read on the host: a private /tmp or /var/tmp hides the maintenance file
# the operator touches (the node would never be drained), and a /proc that
# hides other users' processes hides mysqld's state-transfer child (every
# donor would fail safe to 503, the IST donor of a rolling restart included).
# Run from the top of the tree after `make man` (make install-check does it).
set -euo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }

# Defaults as clustercheckd.conf(5) states them (generated from the table).
tmp_defaults=$(grep -oE 'default "/(var/)?tmp/[^"]*"' man/clustercheckd.conf.5 | cut -d'"' -f2 || true)
[[ -n $tmp_defaults ]] || fail "no default under /tmp or /var/tmp in clustercheckd.conf(5): update this test"

units=(systemd/*.service)
((${#units[@]} >= 2)) || fail "no units under systemd/"
for u in "${units[@]}"; do
	# systemd takes the last assignment of a key.
	private_tmp=$(grep -E '^PrivateTmp=' "$u" | tail -1 | cut -d= -f2)
	case ${private_tmp:-no} in
	yes | true | on | 1 | disconnected)
		fail "$u: PrivateTmp=$private_tmp hides $(echo $tmp_defaults)" ;;
	esac
	protect_proc=$(grep -E '^ProtectProc=' "$u" | tail -1 | cut -d= -f2)
	case ${protect_proc:-default} in
	default) ;;
	*) fail "$u: ProtectProc=$protect_proc hides mysqld's processes from the donor check" ;;
	esac
	grep -qE '^ProtectSystem=strict' "$u" || fail "$u: lost ProtectSystem=strict"
done
echo "ok: ${#units[@]} units keep $(echo $tmp_defaults) and mysqld's /proc entries visible" >&2
