# Debian packages Gateway needs, and a helper that installs only the missing ones.
# Sourced by run.sh and test.sh.
# run.sh: the lab (iproute2, procps for sysctl), the kernel tools, nc and jq for the commands it and the README print, the AOT toolchain,
# the LAN's DHCP/DNS/RA server the agent runs (dnsmasq-base), the DHCP client the lab's LAN hosts use (dhcpcd-base), and the
# UPnP/NAT-PMP/PCP daemon the agent runs (miniupnpd-nftables: the binary only; Debian's `miniupnpd` service package is never installed)
# with a real client for the lab's LAN hosts (miniupnpc's upnpc).
# The agent's NativeAOT publish (run.sh, test.sh, bench) links natively: clang (the SDK's preferred driver; it falls back to gcc) and zlib.
AOT_PACKAGES=(clang zlib1g-dev)
RUN_PACKAGES=(nftables conntrack iproute2 procps netcat-openbsd jq dnsmasq-base dhcpcd-base miniupnpd-nftables miniupnpc ieee-data "${AOT_PACKAGES[@]}")
# e2e tests: dig (bind9-dnsutils) and rdisc6 (ndisc6) for the LAN services; a real FTP server (pyftpdlib, started with Debian's /usr/bin/python3) and client (curl);
# hping3 for SYN floods, spoofed sources and bare ACKs; ping for the WAN-ping switch; a TFTP server and
# client (tftpd-hpa, tftp-hpa) for the tftp helper — the tests run in.tftpd themselves inside a namespace.
# kea-dhcp6-server is the lab ISP's DHCPv6 server that delegates prefixes to the agent's dhcpcd (WanTests).
# prometheus for promtool, which checks the web's /metrics output. The package tests: lintian and dpkg-dev check
# and build the .deb, systemd brings systemd-analyze (verify) and systemd-socket-activate (port 80 handed to the
# web as its socket unit does). nodejs (and npm, where the installed Node.js does not bring its own) for Redocly
# CLI, which lints the OpenAPI document (tools/openapi); Debian's npm package would replace a Node.js that bundles
# npm, so it is added only when needed.
TEST_PACKAGES=("${RUN_PACKAGES[@]}" bind9-dnsutils ndisc6 chromium curl ca-certificates python3-pyftpdlib hping3 iputils-ping
  tftpd-hpa tftp-hpa prometheus lintian dpkg-dev systemd nodejs kea-dhcp6-server iperf3)
command -v npm >/dev/null 2>&1 || TEST_PACKAGES+=(npm)

# Packages whose postinst starts a daemon on the host: installed under a policy-rc.d that forbids it.
NO_START_PACKAGES=(tftpd-hpa prometheus kea-dhcp6-server)

ensure_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if ((${#missing[@]})); then
    echo "Installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || true
    local policy=/usr/sbin/policy-rc.d placed=0 pkg quiet
    for pkg in "${missing[@]}"; do
      for quiet in "${NO_START_PACKAGES[@]}"; do
        # 101 = "action not allowed": invoke-rc.d then leaves the service stopped. An existing policy
        # file is the machine owner's and stays as it is.
        if [[ $pkg == "$quiet" && ! -e $policy ]]; then
          printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && placed=1
        fi
      done
    done
    local rc=0
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || rc=$?
    ((placed)) && rm -f "$policy"
    return "$rc"
  fi
}
