#!/bin/sh
# Records a web app with dotnet-seccomp while eng/drive-web.sh drives it with real HTTP requests on 127.0.0.1, then
# stops it with SIGTERM (a graceful shutdown). This is how data/aspnetcore-syscalls-x86_64.tsv and @aspnetcore were
# measured.
#
#   eng/record-web.sh RECORDING.json PORT dotnet path/to/WebApp.dll [ARGS...]
#
# The app gets --urls http://127.0.0.1:PORT appended (or --urls $WEB_URLS: it must listen on 127.0.0.1:PORT too);
# its output goes to RECORDING.json.log. Needs curl. Build the tool first: dotnet build src/Seccomp.Tool
set -eu
out=$1; port=$2; shift 2
here=$(cd "$(dirname "$0")" && pwd)
tool=${SECCOMP_TOOL:-$here/../src/Seccomp.Tool/bin/Debug/net8.0/Seccomp.Tool.dll}

dotnet "$tool" record -o "$out" -- "$@" --urls "${WEB_URLS:-http://127.0.0.1:$port}" > "$out.log" &
rec=$!
"$here/drive-web.sh" "$port" || { kill -TERM $rec; wait $rec; exit 1; }
# Graceful shutdown: the tool forwards SIGTERM to the app, and exits with its exit code.
kill -TERM $rec
wait $rec
