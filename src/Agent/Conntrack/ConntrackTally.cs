namespace Gateway.Agent.Conntrack;

/// <summary>Counts accumulated over one conntrack dump.</summary>
public sealed class ConntrackTally
{
    public long Total { get; private set; }

    public long Tcp { get; private set; }

    public long Udp { get; private set; }

    public long Icmp { get; private set; }

    public long Other { get; private set; }

    /// <summary>Entries per non-zero ct mark (the forward id).</summary>
    public Dictionary<uint, long> ByMark { get; } = [];

    public void Clear()
    {
        Total = Tcp = Udp = Icmp = Other = 0;
        ByMark.Clear();
    }

    public void Add(byte protocol, uint mark)
    {
        Total++;
        switch (protocol)
        {
            case 6:
                Tcp++;
                break;
            case 17:
                Udp++;
                break;
            case 1 or 58:
                Icmp++;
                break;
            default:
                Other++;
                break;
        }

        if (mark != 0)
        {
            ByMark[mark] = ByMark.GetValueOrDefault(mark) + 1;
        }
    }

    public Dictionary<string, long> ByProtocol() => new(StringComparer.Ordinal)
    {
        ["tcp"] = Tcp,
        ["udp"] = Udp,
        ["icmp"] = Icmp,
        ["other"] = Other,
    };
}
