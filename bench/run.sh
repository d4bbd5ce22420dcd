#!/usr/bin/env bash
# Runs the agent benchmarks (needs root; every measurement happens in a network namespace the
# benchmark creates and removes). Extra arguments go to the benchmark, e.g.:
#   bench/run.sh --rounds 9 apply
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/packages.sh
ensure_packages nftables conntrack iproute2
dotnet build bench/Gateway.Bench -c Release -nologo -v q >/dev/null
exec dotnet bench/Gateway.Bench/bin/Release/net10.0/Gateway.Bench.dll "$@"
