#!/usr/bin/env bash
# Builds Gateway and runs it. (The namespace lab and the agent arrive with the agent work.)
set -euo pipefail
cd "$(dirname "$0")"
source scripts/packages.sh
ensure_packages "${RUN_PACKAGES[@]}"
dotnet build Gateway.sln -c Release -nologo -v q
state=$PWD/.lab; mkdir -p "$state"
export ConnectionStrings__Gateway="Data Source=$state/gateway.db" ASPNETCORE_URLS=http://127.0.0.1:5080 Agent__SocketPath=$state/agent.sock
echo "Gateway: http://127.0.0.1:5080"
exec dotnet src/Web/bin/Release/net10.0/Gateway.Web.dll
