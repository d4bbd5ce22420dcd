namespace Gateway.Agent.Conntrack;

/// <summary>Counts accumulated over one conntrack dump.</summary>
public sealed class ConntrackTally
{
    private const byte AfInet = 2;
    private const byte AfInet6 = 10;

    // [family][protocol]: family 0 IPv4, 1 IPv6, 2 anything else; protocol in ProtocolNames order.
    private readonly long[,] _counts = new long[3, 4];

    private static readonly string[] FamilyNames = ["ipv4", "ipv6", "other"];
    private static readonly string[] ProtocolNames = ["tcp", "udp", "icmp", "other"];

    public long Total { get; private set; }

    public long Tcp => Sum(0);

    public long Udp => Sum(1);

    public long Icmp => Sum(2);

    public long Other => Sum(3);

    /// <summary>Entries per non-zero ct mark (the forward id).</summary>
    public Dictionary<uint, long> ByMark { get; } = [];

    public void Clear()
    {
        Total = 0;
        Array.Clear(_counts);
        ByMark.Clear();
    }

    /// <summary>Counts one entry of address family <paramref name="family"/> (the nfgenmsg's AF_*).</summary>
    public void Add(byte family, byte protocol, uint mark)
    {
        Total++;
        var row = family switch
        {
            AfInet => 0,
            AfInet6 => 1,
            _ => 2,
        };
        var column = protocol switch
        {
            6 => 0,
            17 => 1,
            1 or 58 => 2,
            _ => 3,
        };
        _counts[row, column]++;

        if (mark != 0)
        {
            ByMark[mark] = ByMark.GetValueOrDefault(mark) + 1;
        }
    }

    public Dictionary<string, long> ByProtocol()
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var column = 0; column < ProtocolNames.Length; column++)
        {
            counts[ProtocolNames[column]] = Sum(column);
        }

        return counts;
    }

    /// <summary>
    /// Entries per family ("ipv4", "ipv6"; "other" only when the table holds another) and protocol name: what
    /// <see cref="ByProtocol"/> sums.
    /// </summary>
    public Dictionary<string, IReadOnlyDictionary<string, long>> ByFamily()
    {
        var families = new Dictionary<string, IReadOnlyDictionary<string, long>>(StringComparer.Ordinal);
        for (var row = 0; row < FamilyNames.Length; row++)
        {
            var counts = new Dictionary<string, long>(StringComparer.Ordinal);
            for (var column = 0; column < ProtocolNames.Length; column++)
            {
                counts[ProtocolNames[column]] = _counts[row, column];
            }

            if (row < 2 || counts.Values.Any(c => c > 0))
            {
                families[FamilyNames[row]] = counts;
            }
        }

        return families;
    }

    private long Sum(int column) => _counts[0, column] + _counts[1, column] + _counts[2, column];
}
