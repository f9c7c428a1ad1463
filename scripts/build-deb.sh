#!/usr/bin/env bash
# make deb: the Debian packages, built by dpkg-buildpackage from debian/ in
# a copy of the tree (its `clean` step would otherwise remove the build
# directories of the working tree), then checked by lintian. The .deb,
# .changes and lintian's report land in build-deb/.
#   DEB_BUILD_OPTIONS=nocheck make deb   skips the unit tests in the build
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$top/build-deb
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
version=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)

mkdir "$work/clustercheckd-$version"
# The tree as a clone has it, uncommitted files included, no build output.
(cd "$top" && git ls-files -z -co --exclude-standard | tar -cf - --null -T -) |
	tar -xf - -C "$work/clustercheckd-$version"
cd "$work/clustercheckd-$version"
# Not the calling make's flags (WERROR=1, a jobserver whose pipes we lack).
unset MAKEFLAGS MFLAGS MAKELEVEL
t0=$(date +%s)
if ! dpkg-buildpackage -us -uc -j"$(nproc)" >"$work/build.log" 2>&1; then
	tail -n 40 "$work/build.log" >&2
	echo "build-deb: dpkg-buildpackage failed (log above)" >&2
	exit 1
fi
rm -rf "$out"
mkdir -p "$out"
cp "$work"/*.deb "$work"/*.changes "$work"/*.dsc "$work"/*.tar.* "$work"/*.buildinfo "$out"/
cp "$work/build.log" "$out/"
echo "build-deb: built in $(($(date +%s) - t0)) s: $(cd "$out" && echo *.deb)" >&2

# Lintian on source and binaries; every tag it still reports is an error
# unless debian/*lintian-overrides explains it.
changes=$(ls "$out"/*.changes)
if ! lintian --fail-on error,warning,info --info --display-info "$changes" >"$out/lintian.txt" 2>&1; then
	cat "$out/lintian.txt" >&2
	echo "build-deb: lintian is not clean (above)" >&2
	exit 1
fi
[[ -s $out/lintian.txt ]] && cat "$out/lintian.txt" >&2
echo "build-deb: lintian clean" >&2
