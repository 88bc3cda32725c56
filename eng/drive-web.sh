#!/bin/sh
# Drives a web app on http://127.0.0.1:PORT with curl as eng/record-web.sh does: waits up to 30 s for it to answer,
# then 705 requests (one keep-alive connection, 8 concurrent ones, GET, POST, a 404, a 1 MB chunked body).
# Exits non-zero if any request fails. Used to measure @aspnetcore and to check samples/WebService under its policy:
#
#   dotnet run --project samples/WebService -- --urls http://127.0.0.1:5080 &  eng/drive-web.sh 5080; kill -TERM %1
set -eu
base=http://127.0.0.1:$1

i=0
until curl -fsS -o /dev/null "$base/" 2>/dev/null; do
    i=$((i + 1)); [ $i -lt 300 ] || { echo "no answer on $base" >&2; exit 1; }
    sleep 0.1
done

# One keep-alive connection: 50 requests of each kind on the same socket.
urls=""
for k in $(seq 50); do urls="$urls $base/ $base/time"; done
curl -fsS --max-time 30 $urls > /dev/null
curl -fsS --max-time 30 -d 'hello' "$base/echo" --next -d 'again' "$base/echo" --next "$base/time" > /dev/null
# 8 concurrent connections, 25 rounds of GET /, GET /time and POST /echo each.
seq 8 | xargs -P 8 -I{} sh -c "for k in \$(seq 25); do curl -fsS --max-time 10 -o /dev/null $base/ -o /dev/null $base/time --next -o /dev/null -d body{} $base/echo || exit 1; done"
# A 404.
[ "$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "$base/missing")" = 404 ]
# A large body, chunked.
[ "$(head -c 1000000 /dev/zero | curl -fsS --max-time 30 -H 'Transfer-Encoding: chunked' --data-binary @- "$base/echo" | wc -c)" = 1000000 ]
echo "drive-web: 705 requests answered"
