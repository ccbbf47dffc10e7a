#!/bin/sh
# Every client of tests/e2e/secrets_test.cpp, in turn, against the server at the URL in
# DIR/requests.json: curl over HTTP/1.1 and HTTP/2, python3 (HTTP/1.1, and the file paths),
# node (HTTP/2), and one exec per corpus value with the value in its argv.
#   run_clients.sh DIR
set -eu
dir=$1
here=$(dirname "$0")
# One curl per protocol, four transfers on one connection after a warm-up request on a
# connection of its own: the uprobes attach while curl starts, and a connection opened in its
# first milliseconds could be missed (its HPACK state with it).
base=$(sed -n 's/^url = "\(https:\/\/[^/]*\).*/\1/p' "$dir/curl0.cfg")
for proto in --http1.1 --http2; do
    curl -sk --http1.1 -H "Connection: close" -o /dev/null "$base/warm-up" \
        --next -sk "$proto" -o /dev/null -K "$dir/curl0.cfg" \
        --next -sk "$proto" -o /dev/null -K "$dir/curl1.cfg" \
        --next -sk "$proto" -o /dev/null -K "$dir/curl2.cfg" \
        --next -sk "$proto" -o /dev/null -K "$dir/curl3.cfg"
done
python3 "$here/client.py" "$dir"
node "$here/client.mjs" "$dir"
tab=$(printf '\t')
while IFS="$tab" read -r a b; do
    if [ -n "$b" ]; then /bin/true "$a" "$b"; else /bin/true "$a"; fi
done <"$dir/argv.txt"
