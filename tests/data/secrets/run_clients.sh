#!/bin/sh
# Every client of tests/e2e/secrets_test.cpp, in turn, against the server at the URL in
# DIR/requests.json: curl over HTTP/1.1 and HTTP/2, python3 (HTTP/1.1, and the file paths),
# node (HTTP/2), and one exec per corpus value with the value in its argv.
#   run_clients.sh DIR
set -eu
dir=$1
here=$(dirname "$0")
for proto in --http1.1 --http2; do
    for n in 0 1 2 3; do curl -sk "$proto" -o /dev/null -K "$dir/curl$n.cfg"; done
done
python3 "$here/client.py" "$dir"
node "$here/client.mjs" "$dir"
tab=$(printf '\t')
while IFS="$tab" read -r a b; do
    if [ -n "$b" ]; then /bin/true "$a" "$b"; else /bin/true "$a"; fi
done <"$dir/argv.txt"
