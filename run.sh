#!/usr/bin/env bash
# Builds Gateway and runs it against a lab of network namespaces (scripts/lab.sh): a router with a LAN
# bridge, a WAN link and a second uplink (wan2, for policy routing), two LAN hosts and two WAN hosts. The agent runs inside the router namespace, the
# web on http://127.0.0.1:5080 with its state under ./.lab/. Ctrl-C stops both and removes the lab.
# The host's own network is left alone; the one host-wide change is the sysctl
# net.netfilter.nf_log_all_netns=1, so that firewall log lines from the router namespace reach the
# kernel log the agent reads.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
source scripts/packages.sh
ensure_packages "${RUN_PACKAGES[@]}" curl

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build Gateway.sln -c Release -nologo -v q
# The agent runs as its NativeAOT binary, as on a router (README: "Agent memory and NativeAOT").
dotnet publish src/Agent -c Release -r linux-x64 -o artifacts/publish/agent -nologo -v q

prefix=gwrun
router=$prefix-router lan1=$prefix-lan1 lan2=$prefix-lan2 wan=$prefix-wan wan2=$prefix-wan2
state=$ROOT/.lab
url=http://127.0.0.1:5080
mkdir -p "$state/agent"

agent_pid='' web_pid=''
cleanup() {
  # A second Ctrl-C (or timeout's signal to the whole group) must not cut the cleanup short.
  trap '' INT TERM
  trap - EXIT
  echo
  echo "Stopping Gateway and removing the lab..."
  local pid alive
  for pid in $web_pid $agent_pid; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 50); do
    alive=0
    for pid in $web_pid $agent_pid; do kill -0 "$pid" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.2
  done
  for pid in $web_pid $agent_pid; do kill -KILL "$pid" 2>/dev/null || true; done
  scripts/lab.sh down "$prefix"
  echo "Done."
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A lab left by a run that was killed outright is replaced.
scripts/lab.sh down "$prefix"
LAB_LAN_DHCP=1 scripts/lab.sh up "$prefix" wan0 --wan2 >/dev/null
# miniupnpd refuses every mapping while the WAN address is in a reserved range (203.0.113.0/24 is one), so the WAN
# link's first address is 44.0.0.1 (inside the lab only); 203.0.113.1 and the default route stay.
ip -n "$router" addr add 44.0.0.1/24 dev wan0 && ip -n "$router" addr del 203.0.113.1/24 dev wan0 &&
  ip -n "$router" addr add 203.0.113.1/24 dev wan0 && ip -n "$router" route replace default via 203.0.113.2
ip -n "$wan" addr add 44.0.0.2/24 dev eth0

rm -f "$state/agent.sock"   # left behind if a previous agent was killed outright
# dnsmasq (dropped to its own user) reads its files in $state/dnsmasq: that folder and its parents must be world-readable.
chmod 0755 "$state"
# First boot serves DHCP on br-lan at the lab's LAN address (.100-.249) until setup, which then takes over.
ip netns exec "$router" env Agent__SocketPath="$state/agent.sock" Agent__StateDir="$state/agent" \
  Agent__DnsmasqDir="$state/dnsmasq" Agent__WanDir="$state/wan" FirstBoot__LanInterface=br-lan FirstBoot__LanAddress=192.168.50.1/24 \
  Agent__AllowedUids__0=0 "$ROOT/artifacts/publish/agent/Gateway.Agent" \
  > >(sed -u 's/^/[agent] /') 2>&1 &
agent_pid=$!
for _ in $(seq 100); do [[ -S $state/agent.sock ]] && break; sleep 0.2; done

# A lab ISP on the WAN host: DHCP leases on 203.0.113.0/24 (.100-.150, router .2) for when the owner sets the WAN
# to dhcp; until then nothing asks it. Its leases live in $state; lab.sh down ends it with the namespace.
ip netns exec "$wan" dnsmasq --keep-in-foreground --conf-file=/dev/null --pid-file= --log-facility=- --user=root --port=0 \
  --interface=eth0 --bind-interfaces --dhcp-leasefile="$state/isp.leases" --dhcp-range=203.0.113.100,203.0.113.150,255.255.255.0,2m \
  --dhcp-option=option:router,203.0.113.2 --dhcp-option=option:T1,30 > >(sed -u 's/^/[isp] /') 2>&1 &

# The LAN hosts lease their IPv4 address from the router. dhcpcd keeps its state on private tmpfs mounts (ip netns
# exec gives it its own mount namespace) and runs no hook script, so nothing of the host machine's (its
# /etc/resolv.conf, /var/lib/dhcpcd) is touched; lab.sh down ends it with the namespace.
for host in "$lan1" "$lan2"; do
  name=${host#"$prefix"-}
  ip netns exec "$host" bash -c 'mount -t tmpfs none /var/lib/dhcpcd && mkdir -p /run/dhcpcd && mount -t tmpfs none /run/dhcpcd &&
    : >/run/dhcpcd/empty.conf && exec dhcpcd -4 -B --noarp -c /bin/true -f /run/dhcpcd/empty.conf -h "$1" eth0' _ "$name" \
    > >(sed -u "s/^/[dhcpcd $name] /") 2>&1 &
done
lease() { ip -n "$1" -4 -o addr show dev eth0 | awk '{print $4}' | cut -d/ -f1 | head -1; }
for _ in $(seq 100); do [[ -n $(lease "$lan1") && -n $(lease "$lan2") ]] && break; sleep 0.2; done
lan1_ip=$(lease "$lan1") lan2_ip=$(lease "$lan2")

(cd "$state" && exec env ConnectionStrings__Gateway="Data Source=$state/gateway.db" \
  Agent__SocketPath="$state/agent.sock" ASPNETCORE_URLS=$url \
  dotnet "$ROOT/src/Web/bin/Release/net10.0/Gateway.Web.dll") > >(sed -u 's/^/[web] /') 2>&1 &
web_pid=$!
# Any HTTP answer means the web is up (it creates its database before it listens).
for _ in $(seq 150); do
  [[ $(curl -s -o /dev/null -w '%{http_code}' "$url/api/v1/setup" 2>/dev/null) != 000 ]] && break
  sleep 0.2
done

cat <<INFO

Gateway: $url   (first visit: the setup page; WAN interface wan0, LAN interface br-lan, LAN 192.168.50.1/24)
Lab: router $router (br-lan 192.168.50.1, wan0 44.0.0.1 + 203.0.113.1 / 2001:db8:113::1 with the default routes,
     wan2 198.51.100.1), LAN hosts $lan1 (${lan1_ip:-no lease yet} by DHCP, 2001:db8:50::10) and $lan2 (${lan2_ip:-no lease yet}, ::11),
     WAN hosts $wan (203.0.113.2) and $wan2 (198.51.100.2), neither with a route to the LAN;
     both also hold 192.0.2.1, an "internet" address reachable through either uplink.

Names: ip netns exec $lan1 dig +short @192.168.50.1 lan2   (the router's DNS knows DHCP clients by name)

Try a forward: create one for TCP 8080 -> ${lan1_ip:-<lan1 address>}:8080 (in the UI or over REST), then
  ip netns exec $lan1 nc -lk 8080                         # a server on the LAN host
  echo hello | ip netns exec $wan nc -N 203.0.113.1 8080   # connect from the WAN host to the router's WAN address

Try a policy route: source ${lan2_ip:-<lan2 address>}, out interface wan2, gateway 198.51.100.2, then
  ip netns exec $wan2 nc -lk 9000                          # on the second WAN host (run the same on $wan)
  echo hi | ip netns exec $lan2 nc -N 192.0.2.1 9000        # arrives at $wan2 from 198.51.100.1

Try IPv6: in Settings set "IPv6 on the LAN" to the static address 2001:db8:50::1/64, add a pinhole
(TCP 8443, host suffix ::10), then
  ip netns exec $lan1 nc -6 -lk 8443                                   # LAN host 2001:db8:50::10
  echo hi | ip netns exec $wan nc -6 -N 2001:db8:50::10 8443           # routed, no NAT; 8444 stays closed

Try UPnP: turn it on (NAT page, or PUT /api/v1/upnp {"enabled":true}), then
  ip netns exec $lan1 nc -lk 8080                                       # a server on the LAN host
  ip netns exec $lan1 upnpc -a ${lan1_ip:-<lan1 address>} 8080 18080 TCP    # the LAN host maps WAN port 18080 to itself
  echo hello | ip netns exec $wan nc -N 44.0.0.1 18080                  # the router's (lab-public) WAN address

Try the WAN by DHCP: PUT /api/v1/wan {"mode":"dhcp"} over REST (docs/rest.md, "WAN uplink"), then
  ip -n $router -4 addr show dev wan0                      # a 203.0.113.1xx lease from the lab ISP (dnsmasq in $wan)

Ctrl-C stops Gateway and removes the lab.
INFO

wait -n "$agent_pid" "$web_pid" || true
echo "A Gateway process exited; stopping."
