using System.Globalization;

namespace Gateway.Tests.E2e.Lab;

/// <summary>
/// Neighbour solicitations crafted byte by byte and sent on a lab host's <c>eth0</c> through a packet socket
/// (python3): any IPv6 source address and any source link-layer address option, which the kernel's own NDP
/// never sends. A router that receives one records "source address is at that MAC" (STALE) in its neighbour
/// table, which is how a LAN host claims another host's address.
/// </summary>
public static class NeighbourSpoof
{
    // argv: router MAC, own MAC, router IPv6, first source address, MAC to claim, count, interval (s).
    // Each solicitation asks for the router's address from source (first + i), carrying the claimed MAC.
    private const string Script = """
import ipaddress, socket, struct, sys, time
dmac, smac, dst, first, claim, count, interval = sys.argv[1:8]
mac = lambda m: bytes.fromhex(m.replace(':', ''))
def checksum(data):
    data += b'\0' * (len(data) % 2)
    total = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(('eth0', 0))
target = ipaddress.IPv6Address(dst).packed
for i in range(int(count)):
    src = (ipaddress.IPv6Address(first) + i).packed
    body = struct.pack('!BBHI', 135, 0, 0, 0) + target + bytes([1, 1]) + mac(claim)
    pseudo = src + target + struct.pack('!I3xB', len(body), 58)
    body = body[:2] + struct.pack('!H', checksum(pseudo + body)) + body[4:]
    ip6 = struct.pack('!IHBB', 0x60000000, len(body), 58, 255) + src + target
    s.send(mac(dmac) + mac(smac) + b'\x86\xdd' + ip6 + body)
    time.sleep(float(interval))
""";

    /// <summary>Sends solicitations from <paramref name="ns"/>'s eth0, from <paramref name="source"/> (and the next addresses when <paramref name="count"/> &gt; 1), claiming <paramref name="claimedMac"/>.</summary>
    public static async Task SendAsync(Lab lab, string ns, string source, string claimedMac, int count = 1, double interval = 0)
    {
        var result = await lab.ExecAsync(ns, await CommandAsync(lab, ns, source, claimedMac, count, interval));
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"sending neighbour solicitations failed: {result}");
        }
    }

    /// <summary>The same, as a background process (a stream of solicitations); kill it to stop.</summary>
    public static async Task<System.Diagnostics.Process> StartAsync(Lab lab, string ns, string source, string claimedMac, int count, double interval) =>
        lab.StartInNs(ns, "exec " + await CommandAsync(lab, ns, source, claimedMac, count, interval));

    private static async Task<string> CommandAsync(Lab lab, string ns, string source, string claimedMac, int count, double interval)
    {
        var routerMac = (await lab.MustAsync(lab.RouterNs, $"cat /sys/class/net/{lab.LanInterface}/address")).Trim();
        var ownMac = (await lab.MustAsync(ns, "cat /sys/class/net/eth0/address")).Trim();
        return $"python3 - {routerMac} {ownMac} {Lab.RouterLanIp6} {source} {claimedMac} "
            + $"{count.ToString(CultureInfo.InvariantCulture)} {interval.ToString(CultureInfo.InvariantCulture)} <<'PY'\n{Script}\nPY";
    }
}
