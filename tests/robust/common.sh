# Sourced by the robust tests' scripts, with the binary as $1: bin (made
# absolute), root (the source tree, the working folder from here on),
# work (a temporary folder, removed at exit), pass and fail counts, and
# tree_sum. The samples' configuration is made owner-only (git keeps no
# file modes, and evb warns about a key others can read).
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root" || exit 2
work=$(mktemp -d)
trap 'chmod -R u+rwx "$work" 2>/dev/null; rm -rf "$work"' EXIT
chmod go-rwx samples/evb.conf
pass=0
fail=0

# the names and SHA-256 of everything under a folder
tree_sum() { (cd "$1" && find . -print0 | sort -z | xargs -0 -I{} sh -c \
	'if [ -f "{}" ]; then sha256sum "{}"; else echo "dir {}"; fi'); }
