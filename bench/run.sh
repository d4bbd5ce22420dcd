#!/usr/bin/env bash
# Runs the Gateway benchmarks (needs root). apply and conntrack each run in a network namespace the benchmark
# creates and removes; e2e builds a lab with scripts/lab.sh (its own prefix) and drives the agent and the web
# through REST. Extra arguments go to the benchmark, e.g.:
#   sudo bench/run.sh --rounds 9 apply
#   sudo bench/run.sh e2e --parts ab --forwards 2000
#   sudo bench/run.sh profile --parts b --tools perf      # CPU profile of the web's write paths (docs/profile.md)
#   sudo bench/run.sh memory --variants "as built,TieredPGO=0"   # the web's RSS under runtime settings
#   sudo bench/run.sh accounting                          # per-device bytes beside an nft counter (iperf3, short TCP)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/packages.sh
ensure_packages "${RUN_PACKAGES[@]}" wrk
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build bench/Gateway.Bench -c Release -nologo -v q >/dev/null
dotnet build src/Web -c Release -nologo -v q >/dev/null
# e2e runs the agent as run.sh does: its NativeAOT binary (--agent jit for the JIT build).
dotnet publish src/Agent -c Release -r linux-x64 -o artifacts/publish/agent -nologo -v q >/dev/null
case " $* " in
  *" profile "*)
    # dotnet-trace is a local tool (.config/dotnet-tools.json); perf comes from Debian.
    ensure_packages linux-perf
    dotnet tool restore >/dev/null ;;
esac
case " $* " in
  *" accounting "*)
    # iperf3 between lab hosts; Debian's python3 for the echo server and the short connections.
    ensure_packages iperf3 python3 ;;
esac
case " $* " in
  *" memory "*)
    # The ReadyToRun variant of the web (framework-dependent, so it runs on the same shared framework). The publishes
    # share obj/: ReadyToRun images left there by the composite one made this one abort at start, so they go first.
    rm -rf src/Web/obj/Release/net10.0/linux-x64/R2R
    dotnet publish src/Web -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
      -o artifacts/publish/web-r2r -nologo -v q >/dev/null
    # Self-contained as the package ships it, trimmed, and with the framework compiled into one composite R2R image.
    sc=(-c Release -r linux-x64 --self-contained -p:UseAppHost=true -p:SatelliteResourceLanguages=en -nologo -v q)
    dotnet publish src/Web "${sc[@]}" -o artifacts/publish/web-sc >/dev/null
    # Trimmed: the 33 trim warnings of the web's own code (System.Text.Json without source generation, EF Core,
    # Blazor) are left as warnings to measure it at all; the request-delegate generator that trimming turns on does
    # not compile the web's generic endpoints, and the web serialises JSON by reflection (docs/benchmarks.md).
    dotnet publish src/Web "${sc[@]}" -p:PublishTrimmed=true -p:TrimMode=partial -p:TreatWarningsAsErrors=false \
      -p:EnableRequestDelegateGenerator=false -p:JsonSerializerIsReflectionEnabledByDefault=true \
      -o artifacts/publish/web-trimmed >/dev/null
    rm -rf src/Web/obj/Release/net10.0/linux-x64/R2R
    dotnet publish src/Web "${sc[@]}" -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true \
      -o artifacts/publish/web-composite >/dev/null ;;
esac
exec dotnet bench/Gateway.Bench/bin/Release/net10.0/Gateway.Bench.dll "$@"
