namespace Gateway.Agent.Devices;

/// <summary>Bytes counted for one MAC: rx towards the device, tx from it.</summary>
public readonly record struct DeviceBytes(ulong Rx, ulong Tx);

/// <summary>
/// Per-device byte totals from conntrack counters, without ever zeroing them (other readers keep their numbers):
/// each connection id's counters are remembered from the last time they were read, and only the growth since then
/// is added to its device. Counters are read from two sources: periodic dumps of the table (<see cref="Seen"/>)
/// and DESTROY events carrying an ended connection's final counters (<see cref="Destroyed"/>), so connections that
/// start and end between two dumps still count.
/// <para>
/// The first dump after start is a baseline: what live connections carried before it is not counted (an agent
/// restart would otherwise count it twice). An id missing from a dump is kept for <see cref="MissedDumps"/> dumps:
/// its DESTROY event may still be queued behind the dump, and must add only its tail, not its whole count again.
/// </para>
/// </summary>
public sealed class DeviceLedger
{
    /// <summary>Dumps an ended connection's last counters outlive it (its DESTROY event arriving late; lost events).</summary>
    public const int MissedDumps = 2;

    private readonly Dictionary<uint, Tracked> _connections = [];
    private readonly Dictionary<string, DeviceBytes> _totals = new(StringComparer.Ordinal);
    private readonly List<uint> _expired = [];
    private bool _baselined;
    private ulong _baselineNs;
    private long _dump;

    /// <summary>The totals since start, by MAC.</summary>
    public IReadOnlyDictionary<string, DeviceBytes> Totals => _totals;

    /// <summary>Connections whose counters are remembered now (live ones and the recently ended).</summary>
    public int Remembered => _connections.Count;

    /// <summary>Starts a dump that began at <paramref name="startNs"/> (wall-clock ns, as conntrack timestamps count).</summary>
    public void BeginDump(ulong startNs)
    {
        if (!_baselined)
        {
            _baselineNs = startNs;
        }

        _dump++;
    }

    /// <summary>
    /// One entry of the dump in progress. <paramref name="mac"/> null: not a LAN device's forwarded traffic (not counted).
    /// <paramref name="deviceIsOriginal"/>: the device sent the original direction (it opened the connection).
    /// </summary>
    public void Seen(uint id, string? mac, bool deviceIsOriginal, ulong original, ulong reply)
    {
        if (mac is null)
        {
            return;
        }

        if (_connections.TryGetValue(id, out var last) && last.Mac == mac)
        {
            Add(last, Growth(last, original, reply));
        }
        else
        {
            last = new Tracked(mac, deviceIsOriginal);
            _connections[id] = last;
            if (_baselined)
            {
                // New since the last dump (or its device became known since): everything it carried is new to us.
                Add(last, (original, reply));
            }
        }

        last.Original = original;
        last.Reply = reply;
        last.Missed = 0;
        last.Dump = _dump;
    }

    /// <summary>
    /// Ends a complete dump: ids missing from <see cref="MissedDumps"/> dumps in a row are forgotten. A dump that
    /// failed half way is not ended: the growth it read stays counted, and nothing counts as missed.
    /// </summary>
    public void EndDump()
    {
        _baselined = true;
        _expired.Clear();
        foreach (var (id, tracked) in _connections)
        {
            if (tracked.Dump != _dump)
            {
                tracked.Missed++;
            }

            if (tracked.Missed >= MissedDumps)
            {
                _expired.Add(id);
            }
        }

        foreach (var id in _expired)
        {
            _connections.Remove(id);
        }
    }

    /// <summary>
    /// A DESTROY event: the connection's final counters. One the ledger remembers adds its growth since it was last
    /// read; one it never saw adds everything, unless it started before the baseline (counted by an earlier agent).
    /// </summary>
    public void Destroyed(uint id, ulong startNs, string? mac, bool deviceIsOriginal, ulong original, ulong reply)
    {
        if (_connections.TryGetValue(id, out var last))
        {
            Add(last, Growth(last, original, reply));
            // Kept until it misses its dumps, at its final counters: a dump that still lists it adds nothing.
            last.Original = original;
            last.Reply = reply;
            return;
        }

        if (mac is null || !_baselined || startNs < _baselineNs)
        {
            return;
        }

        var tracked = new Tracked(mac, deviceIsOriginal) { Original = original, Reply = reply, Dump = _dump };
        Add(tracked, (original, reply));
        _connections[id] = tracked;
    }

    /// <summary>The growth since the last reading; counters that went down belong to a new connection that reuses the id.</summary>
    private static (ulong Original, ulong Reply) Growth(Tracked last, ulong original, ulong reply) =>
        original >= last.Original && reply >= last.Reply ? (original - last.Original, reply - last.Reply) : (original, reply);

    private void Add(Tracked connection, (ulong Original, ulong Reply) growth)
    {
        if (growth is (0, 0))
        {
            return;
        }

        var (towards, from) = connection.DeviceIsOriginal ? (growth.Reply, growth.Original) : (growth.Original, growth.Reply);
        var total = _totals.GetValueOrDefault(connection.Mac);
        _totals[connection.Mac] = new DeviceBytes(total.Rx + towards, total.Tx + from);
    }

    /// <summary>One connection's counters as last read, and how many dumps in a row have missed it.</summary>
    private sealed class Tracked(string mac, bool deviceIsOriginal)
    {
        public string Mac { get; } = mac;

        public bool DeviceIsOriginal { get; } = deviceIsOriginal;

        public ulong Original { get; set; }

        public ulong Reply { get; set; }

        public int Missed { get; set; }

        /// <summary>The dump that last listed it.</summary>
        public long Dump { get; set; }
    }
}
