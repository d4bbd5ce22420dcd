# Debian packages Gateway needs, and a helper that installs only the missing ones.
# Sourced by run.sh and test.sh.
# run.sh: the lab (iproute2, procps for sysctl), the kernel tools, and nc for the commands it prints.
RUN_PACKAGES=(nftables conntrack iproute2 procps netcat-openbsd)
# e2e tests: a real FTP server (pyftpdlib, started with Debian's /usr/bin/python3) and client (curl);
# hping3 for SYN floods, spoofed sources and bare ACKs; ping for the WAN-ping switch.
TEST_PACKAGES=("${RUN_PACKAGES[@]}" chromium curl ca-certificates python3-pyftpdlib hping3 iputils-ping)

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
