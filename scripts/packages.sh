# Debian packages Gateway needs, and a helper that installs only the missing ones.
# Sourced by run.sh and test.sh.
RUN_PACKAGES=(nftables conntrack iproute2 procps)
TEST_PACKAGES=("${RUN_PACKAGES[@]}" chromium netcat-openbsd curl ca-certificates)

ensure_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if ((${#missing[@]})); then
    echo "Installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || true
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}
