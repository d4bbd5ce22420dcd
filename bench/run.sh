#!/usr/bin/env bash
# Runs the Gateway benchmarks (needs root). apply and conntrack each run in a network namespace the benchmark
# creates and removes; e2e builds a lab with scripts/lab.sh (its own prefix) and drives the agent and the web
# through REST. Extra arguments go to the benchmark, e.g.:
#   sudo bench/run.sh --rounds 9 apply
#   sudo bench/run.sh e2e --parts ab --forwards 2000
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/packages.sh
ensure_packages "${RUN_PACKAGES[@]}" wrk
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build bench/Gateway.Bench -c Release -nologo -v q >/dev/null
dotnet build src/Web -c Release -nologo -v q >/dev/null
# e2e runs the agent as run.sh does: its NativeAOT binary (--agent jit for the JIT build).
dotnet publish src/Agent -c Release -r linux-x64 -o artifacts/publish/agent -nologo -v q >/dev/null
exec dotnet bench/Gateway.Bench/bin/Release/net10.0/Gateway.Bench.dll "$@"
