#!/usr/bin/env bash
# Install what clustercheckd needs to build and to run its tests, on Debian 12.
# Quiet when everything is there. As root: apt-get update + install the missing
# packages. Not root: print the exact command and exit 1.
#   scripts/deps.sh build   what `make` and `make install` need
#   scripts/deps.sh [all]   that, plus what the demo, the tests and the bench need
set -euo pipefail
set_name=${1:-all}
case $set_name in build | all) ;; *) echo "usage: $0 [build|all]" >&2; exit 2 ;; esac

build_pkgs=(gcc make pkg-config libmicrohttpd-dev libmariadb-dev libconfig-dev
            libjansson-dev libcmocka-dev libsystemd-dev libcurl4-gnutls-dev
            libgnutls28-dev libcrypt-dev)
# systemd: for systemd-socket-activate; procps: ps/pgrep; iproute2: ss (also
# used by the rsync SST script); mariadb-backup: a real mariabackup SST;
# socat: HAProxy stats socket and raw HTTP;
# jq: checks /status; prometheus: its promtool checks /metrics (the package
# is big, ~19 MB, but the only packaged promtool; its service is not started).
# valgrind: the unit suite runs under it too. clang + libclang-rt-14-dev
# (libFuzzer; only Recommended by clang, and we install without those): fuzz smoke.
# whois: its mkpasswd makes the bcrypt hashes of http.auth.users (docs/auth.md).
# openssl: the HTTPS scenarios make their CA and certificates at test time.
# wrk: the bench's keep-alive comparison.
test_pkgs=(mariadb-server mariadb-client mariadb-backup galera-4 rsync haproxy xinetd curl socat valgrind
           procps iproute2 systemd jq prometheus clang libclang-rt-14-dev whois openssl wrk)
# make deb / the package test: Debian's packaging tools; groff-base renders
# the man pages (man -l) and lets lintian check them.
test_pkgs+=(debhelper dpkg-dev fakeroot lintian groff-base man-db)
[[ $set_name == build ]] && test_pkgs=()

missing=()
for p in "${build_pkgs[@]}" "${test_pkgs[@]+"${test_pkgs[@]}"}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null) || st=
	[[ $st == installed ]] || missing+=("$p")
done
((${#missing[@]} == 0)) && exit 0

install_cmd=(apt-get install -y --no-install-recommends "${missing[@]}")
if ((EUID != 0)); then
	echo "deps.sh: missing packages: ${missing[*]}" >&2
	echo "deps.sh: run as root:" >&2
	echo "  apt-get update && DEBIAN_FRONTEND=noninteractive ${install_cmd[*]}" >&2
	exit 1
fi

echo "deps.sh: installing: ${missing[*]}" >&2
# The packages' maintainer scripts would start system mariadb, haproxy and
# xinetd. The tests run private instances on their own ports and sockets and
# need none of them, so forbid service starts for the duration of the install
# (policy-rc.d exit 101 = "action forbidden"; honoured by invoke-rc.d and
# deb-systemd-invoke). An existing policy-rc.d is left as it is.
policy=/usr/sbin/policy-rc.d
made_policy=0
if [[ ! -e $policy ]]; then
	printf '#!/bin/sh\n# temporary, from clustercheckd scripts/deps.sh\nexit 101\n' >"$policy"
	chmod 755 "$policy"
	made_policy=1
	trap 'rm -f "$policy"' EXIT
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
apt-get -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
	"${install_cmd[@]:1}" >&2

still=()
for p in "${missing[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null) || st=
	[[ $st == installed ]] || still+=("$p")
done
if ((${#still[@]})); then
	echo "deps.sh: still missing after install: ${still[*]}" >&2
	exit 1
fi
((made_policy)) && echo "deps.sh: system services of the new packages were not started (policy-rc.d)" >&2
exit 0
