#!/usr/bin/env bash
# The Gateway namespace lab: one definition of the topology, used by run.sh and the e2e fixture.
#
#   lab.sh up <prefix> [wan-ifname] [--wan2]   create <prefix>-router, -lan1, -lan2, -wan (and -wan2)
#   lab.sh far <prefix>                        add <prefix>-far behind the WAN host over a 1280-byte IPv6 hop
#   lab.sh down <prefix>                       kill what runs inside them and delete them
# A second uplink is also made when LAB_WAN2=1 is in the environment; with LAB_LAN_DHCP=1 the LAN hosts get no
# static IPv4 address or route (run.sh has them lease one from the router's DHCP).
#
# Topology (everything lives inside the lab's namespaces; the host's own network is not touched):
#   <prefix>-lan1  eth0 192.168.50.10/24 ─┐                    ┌─ <prefix>-router ───────────────┐
#   <prefix>-lan2  eth0 192.168.50.11/24 ─┴─ veth lan1/lan2 ── │ br-lan 192.168.50.1/24 (bridge)  │
#                                                              │ <wan-ifname> 203.0.113.1/24      │
#                                                              │ default via 203.0.113.2          │
#   <prefix>-wan   eth0 203.0.113.2/24 + 203.0.113.3/24 ────── └─────────────────────────────────┘
# The WAN host has no route to 192.168.50.0/24, so only masquerade and DNAT make traffic work.
#
# The lab is dual stack. IPv6 (documentation prefixes, static addresses, routed without NAT):
#   lan1 2001:db8:50::10/64, lan2 2001:db8:50::11/64, both default via 2001:db8:50::1
#   router <wan-ifname> 2001:db8:113::1/64, default via 2001:db8:113::2
#   wan 2001:db8:113::2/64 + 2001:db8:113::3/64 (deprecated: never chosen as a source), route to 2001:db8:50::/64 via 2001:db8:113::1
# The router gets NO IPv6 address on br-lan: the agent adds a static lanIpv6 itself, and a test of `auto`
# adds one by hand as the kernel would have it. net.ipv6.conf.all.forwarding starts at 0 in the router.
# Every namespace is quiet: no router advertisements accepted, no autoconfiguration, no duplicate address
# detection (addresses are usable at once) and no router solicitations, so no chatter reaches firewall logs.
#
# With --wan2, a second uplink for policy routing (the router gets no route through it: that is the
# agent's job):
#   <prefix>-wan2  eth0 198.51.100.2/24 ────── router wan2 198.51.100.1/24
# and both WAN hosts then hold 192.0.2.1/32 on lo: one "internet" address that exists behind either
# uplink, so where a packet to it arrives tells which uplink it took. Neither has a route to the LAN.
# net.ipv4.ip_forward starts at 0 in the router: the agent turns it on when it applies.
# The only host-wide change is net.netfilter.nf_log_all_netns=1, so that nft `log` lines from the
# router namespace reach the kernel log (it is not reset on `down`: other labs may rely on it).
set -euo pipefail

readonly LAN1_MAC=02:50:00:00:00:0a LAN2_MAC=02:50:00:00:00:0b

readonly INTERNET_IP=192.0.2.1

usage() { echo "usage: $0 up <prefix> [wan-ifname] [--wan2] | far <prefix> | down <prefix>" >&2; exit 2; }

in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# Sysctls that exist only when a module is loaded (br_netfilter) are set only if present.
sysctl_if_present() {
  local ns=$1 key=$2 value=$3
  if in_ns "$ns" test -e "/proc/sys/${key//.//}"; then in_ns "$ns" sysctl -qw "$key=$value"; fi
}

quiet_host() {
  local ns=$1 scope
  ip -n "$ns" link set lo up
  # IPv6 on, but without autoconfiguration chatter (router solicitations, DAD) that would only add noise
  # to firewall logs and make fresh addresses tentative. "default" covers the links made afterwards.
  for scope in all default; do
    in_ns "$ns" sysctl -qw "net.ipv6.conf.$scope.disable_ipv6=0" "net.ipv6.conf.$scope.accept_ra=0" \
      "net.ipv6.conf.$scope.autoconf=0" "net.ipv6.conf.$scope.accept_dad=0" "net.ipv6.conf.$scope.dad_transmits=0" \
      "net.ipv6.conf.$scope.router_solicitations=0"
  done
}

up() {
  local prefix=$1 wan_if=$2 with_wan2=$3
  local router=$prefix-router lan1=$prefix-lan1 lan2=$prefix-lan2 wan=$prefix-wan wan2=$prefix-wan2
  [[ $prefix =~ ^[A-Za-z0-9_-]{1,40}$ ]] || { echo "bad prefix: $prefix" >&2; exit 2; }
  [[ $wan_if =~ ^[A-Za-z0-9_.-]{1,15}$ ]] || { echo "bad WAN interface name: $wan_if" >&2; exit 2; }
  [[ $wan_if != wan2 || $with_wan2 -eq 0 ]] || { echo "the WAN link cannot be called wan2 next to the second uplink" >&2; exit 2; }
  local hosts=("$router" "$lan1" "$lan2" "$wan")
  ((with_wan2)) && hosts+=("$wan2")
  for ns in "${hosts[@]}"; do
    if [[ -e /run/netns/$ns ]]; then echo "namespace $ns already exists" >&2; exit 1; fi
  done

  sysctl -qw net.netfilter.nf_log_all_netns=1

  for ns in "${hosts[@]}"; do ip netns add "$ns"; quiet_host "$ns"; done

  # Router: a bridge for the LAN, a routed WAN link. Each veth is created inside the router namespace
  # with its peer moved straight into the host namespace it belongs to, never into the host's.
  ip -n "$router" link add br-lan type bridge
  ip -n "$router" addr add 192.168.50.1/24 dev br-lan
  ip -n "$router" link set br-lan up
  local i=1
  for host in "$lan1" "$lan2"; do
    ip -n "$router" link add "lan$i" type veth peer name eth0 netns "$host"
    ip -n "$router" link set "lan$i" master br-lan up
    i=$((i + 1))
  done
  ip -n "$router" link add "$wan_if" type veth peer name eth0 netns "$wan"
  ip -n "$router" addr add 203.0.113.1/24 dev "$wan_if"
  ip -n "$router" link set "$wan_if" up
  # Forwarding starts off: the agent turns it on when it applies (a test proves it did).
  in_ns "$router" sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
  # Reverse-path filtering off, as the kernel's default: anti-spoofing must be the ruleset's own doing.
  in_ns "$router" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
  # The uplink carries the default route, as on a real router: first-boot rules tell the uplink from the
  # LAN-side links by it, and anti-spoofing (fib saddr . iif) needs a route back for WAN sources.
  ip -n "$router" route add default via 203.0.113.2 dev "$wan_if"
  ip -n "$router" -6 addr add 2001:db8:113::1/64 dev "$wan_if" nodad
  ip -n "$router" -6 route add default via 2001:db8:113::2 dev "$wan_if"
  # Bridged LAN-to-LAN frames must not pass the IP hooks (as on a router whose LAN ports are a switch
  # chip); otherwise conntrack un-NATs hairpin replies on the bridge and hairpin passes falsely.
  sysctl_if_present "$router" net.bridge.bridge-nf-call-iptables 0
  sysctl_if_present "$router" net.bridge.bridge-nf-call-ip6tables 0
  sysctl_if_present "$router" net.bridge.bridge-nf-call-arptables 0

  ip -n "$lan1" link set eth0 address "$LAN1_MAC"
  ip -n "$lan2" link set eth0 address "$LAN2_MAC"
  local addr=10
  for host in "$lan1" "$lan2"; do
    # With LAB_LAN_DHCP=1 (run.sh) the LAN hosts get IPv4 from the router's DHCP instead.
    [[ ${LAB_LAN_DHCP:-0} == 1 ]] || ip -n "$host" addr add "192.168.50.$addr/24" dev eth0
    ip -n "$host" -6 addr add "2001:db8:50::$addr/64" dev eth0 nodad
    ip -n "$host" link set eth0 up
    [[ ${LAB_LAN_DHCP:-0} == 1 ]] || ip -n "$host" route add default via 192.168.50.1
    ip -n "$host" -6 route add default via 2001:db8:50::1 dev eth0
    addr=$((addr + 1))
  done

  # WAN host: a second address to prove source-restricted forwards; deliberately no default route.
  ip -n "$wan" addr add 203.0.113.2/24 dev eth0
  ip -n "$wan" addr add 203.0.113.3/24 dev eth0
  ip -n "$wan" -6 addr add 2001:db8:113::2/64 dev eth0 nodad
  # The second IPv6 address is deprecated (preferred_lft 0): it still receives and may be bound, but the
  # kernel never picks it as a source on its own, so replies and new connections come from ::2 as in IPv4.
  ip -n "$wan" -6 addr add 2001:db8:113::3/64 dev eth0 nodad preferred_lft 0
  ip -n "$wan" link set eth0 up
  # IPv6 is routed, not translated: the WAN host reaches the LAN prefix through the router (which drops
  # what it did not ask for).
  ip -n "$wan" -6 route add 2001:db8:50::/64 via 2001:db8:113::1 dev eth0

  if ((with_wan2)); then
    ip -n "$router" link add wan2 type veth peer name eth0 netns "$wan2"
    ip -n "$router" addr add 198.51.100.1/24 dev wan2
    ip -n "$router" link set wan2 up
    ip -n "$wan2" addr add 198.51.100.2/24 dev eth0
    ip -n "$wan2" link set eth0 up
    # The same "internet" address behind both uplinks; each host answers it through its connected link.
    ip -n "$wan" addr add "$INTERNET_IP/32" dev lo
    ip -n "$wan2" addr add "$INTERNET_IP/32" dev lo
  fi

  echo "router=$router"
  echo "lan1=$lan1"
  echo "lan2=$lan2"
  echo "wan=$wan"
  echo "wan_if=$wan_if"
  echo "lan1_mac=$LAN1_MAC"
  echo "lan2_mac=$LAN2_MAC"
  if ((with_wan2)); then
    echo "wan2=$wan2"
    echo "wan2_if=wan2"
    echo "internet_ip=$INTERNET_IP"
  fi
}

# A host behind the WAN host, across a link with IPv6's minimum MTU, for path MTU discovery:
#   <prefix>-wan far0 2001:db8:114::1/64 (mtu 1280) ── <prefix>-far eth0 2001:db8:114::2/64 (mtu 1280)
# The WAN host forwards IPv6 between its two links; the router reaches far by its default route. far's
# default route advertises an MSS of 1440 (advmss), as a host on a bigger link behind a tunnel would: so
# a peer sends full 1500-byte packets and only a Packet Too Big from the WAN host can shrink them.
far() {
  local prefix=$1
  local wan=$prefix-wan far=$prefix-far
  [[ $prefix =~ ^[A-Za-z0-9_-]{1,40}$ ]] || { echo "bad prefix: $prefix" >&2; exit 2; }
  [[ -e /run/netns/$wan ]] || { echo "namespace $wan does not exist" >&2; exit 1; }
  if [[ -e /run/netns/$far ]]; then echo "namespace $far already exists" >&2; exit 1; fi
  ip netns add "$far"
  quiet_host "$far"
  ip -n "$wan" link add far0 mtu 1280 type veth peer name eth0 mtu 1280 netns "$far"
  ip -n "$wan" -6 addr add 2001:db8:114::1/64 dev far0 nodad
  ip -n "$wan" link set far0 up
  in_ns "$wan" sysctl -qw net.ipv6.conf.all.forwarding=1
  ip -n "$far" -6 addr add 2001:db8:114::2/64 dev eth0 nodad
  ip -n "$far" link set eth0 up
  ip -n "$far" -6 route add default via 2001:db8:114::1 dev eth0 advmss 1440
  echo "far=$far"
}

down() {
  local prefix=$1 ns pid
  [[ $prefix =~ ^[A-Za-z0-9_-]{1,40}$ ]] || { echo "bad prefix: $prefix" >&2; exit 2; }
  # -far: a host behind the WAN host that an IPv6 test may add (a 1280-byte hop for path MTU discovery); -mon: a
  # mirror test's monitor on a router link.
  for ns in "$prefix-lan1" "$prefix-lan2" "$prefix-far" "$prefix-mon" "$prefix-wan" "$prefix-wan2" "$prefix-router"; do
    [[ -e /run/netns/$ns ]] || continue
    # Only processes inside this lab's own namespaces, by pid.
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    ip netns del "$ns" || true
  done
}

parse_up() {
  local prefix=$1 wan_if=wan0 with_wan2=0 named=0
  [[ ${LAB_WAN2:-0} == 1 ]] && with_wan2=1
  shift
  for arg in "$@"; do
    case $arg in
      --wan2) with_wan2=1 ;;
      -*) usage ;;
      *) ((named == 0)) || usage; [[ -n $arg ]] && wan_if=$arg; named=1 ;;
    esac
  done
  up "$prefix" "$wan_if" "$with_wan2"
}

case ${1:-} in
  up) [[ $# -ge 2 && $# -le 4 ]] || usage; shift; parse_up "$@" ;;
  far) [[ $# -eq 2 ]] || usage; far "$2" ;;
  down) [[ $# -eq 2 ]] || usage; down "$2" ;;
  *) usage ;;
esac
