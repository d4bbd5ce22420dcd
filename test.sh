#!/usr/bin/env bash
# Runs every test of Gateway from a fresh Debian machine: installs what the tests need, builds,
# runs each test project, and prints one "N passed, M failed" line. Exit status is non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD

# Debian packages the tests use: the kernel tools for the namespace lab, an FTP server/client for the
# FTP-helper proof, and Chromium for Playwright.
source scripts/packages.sh
ensure_packages "${TEST_PACKAGES[@]}"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet tool restore >/dev/null
dotnet build Gateway.sln -c Release -warnaserror -nologo -v q
# The e2e lab runs the agent's NativeAOT binary, as run.sh and a router do.
dotnet publish src/Agent -c Release -r linux-x64 -o artifacts/publish/agent -warnaserror -nologo -v q
# The .deb that tests/e2e/Package lints and installs (a NativeAOT and a self-contained publish: minutes).
scripts/package.sh

results="$ROOT/artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"
passed=0; failed=0; skipped=0; status=0

# Runs one test project into $results/<name>.trx and .log.
run_tests() {
  local project=$1 name
  name=$(basename "$project")
  dotnet test "$project" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
    --logger "console;verbosity=normal" >"$results/$name.log" 2>&1
}

# Adds one project's counts to the totals.
count_tests() {
  local project=$1 rc=$2 name trx counters p f t e
  name=$(basename "$project")
  [[ $rc -eq 0 ]] || status=1
  trx="$results/$name.trx"
  if [[ -f $trx ]]; then
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
    get() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
    p=$(get passed); f=$(get failed); t=$(get total); e=$(get executed)
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
    skipped=$((skipped + ${t:-0} - ${e:-0}))
    [[ ${e:-0} -gt 0 ]] || { echo "$project ran no test"; status=1; }
    echo "$project: ${p:-0} passed, ${f:-0} failed of ${t:-0}"
  else
    echo "$project produced no results"; failed=$((failed + 1)); status=1
  fi
}

# unit: pure, no root or kernel; kernel: throwaway namespaces, nft and netlink; e2e: namespace labs and a browser.
# The unit tests are CPU work and the e2e tests mostly wait on timers and packets, so the unit project runs beside
# the others at the lowest CPU priority: it gets the cores the labs leave idle and never slows a lab's timing.
echo "== tests/unit (beside the others, nice 19)"
nice -n 19 bash -c "$(declare -f run_tests); results='$results'; run_tests tests/unit" &
unit_pid=$!
for project in tests/kernel tests/e2e; do
  echo "== $project"
  log="$results/$(basename "$project").log"
  : >"$log"
  set +e
  run_tests "$project" &
  project_pid=$!
  tail -n +1 -f --pid=$project_pid "$log"
  wait $project_pid
  rc=$?
  set -e
  count_tests "$project" $rc
done
set +e
wait $unit_pid
rc=$?
set -e
echo "== tests/unit"
cat "$results/unit.log"
count_tests tests/unit $rc

# CI shows only the tail of this output: repeat each failure's name and message last, so it is in that tail.
if [[ $failed -gt 0 ]]; then
  echo "== failures"
  for log in "$results"/*.log; do
    awk '/^  Failed /{on=1; n=0} /^  Stack Trace:/{on=0} on && n++ < 30' "$log"
  done
fi
echo "Tests: $passed passed, $failed failed, $skipped skipped"
exit $status
