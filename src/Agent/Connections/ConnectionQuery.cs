using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Gateway.Agent.Netlink;
using Gateway.Shared.Protocol;

namespace Gateway.Agent.Connections;

/// <summary>
/// A <see cref="ListConnectionsRequest"/> made ready for the dump: what the kernel filters (family, protocol,
/// ct mark), what is left for the stream (address, port, device), and where the page starts.
/// </summary>
public sealed class ConnectionQuery
{
    public const int MaxLimit = 1000;

    public byte Family { get; private init; }

    /// <summary>The IP protocol number, or -1 for all.</summary>
    public int Protocol { get; private init; } = -1;

    public UInt128? Address { get; private init; }

    /// <summary><see cref="Address"/> in network order (4 or 16 bytes), for the kernel filter.</summary>
    public byte[]? AddressBytes { get; private init; }

    public int? Port { get; private init; }

    /// <summary>Lower-case MAC.</summary>
    public string? Device { get; private init; }

    public uint? Mark { get; private init; }

    public uint MarkMask { get; private init; } = uint.MaxValue;

    public int Limit { get; private init; }

    /// <summary>Entries strictly older than this key (<see cref="ConnectionEntry.Key"/>) make the page; null for the first.</summary>
    public (ulong Start, uint Id)? After { get; private init; }

    /// <summary>The query, or an error naming the bad field.</summary>
    public static ConnectionQuery? From(ListConnectionsRequest request, out string? error)
    {
        ArgumentNullException.ThrowIfNull(request);
        error = null;
        if (request.Limit is < 1 or > MaxLimit)
        {
            error = $"limit must be 1-{MaxLimit}";
            return null;
        }

        var protocol = -1;
        byte family = 0;
        if (request.Protocol is { } name && !TryProtocol(name, out protocol, out family))
        {
            error = "protocol must be tcp, udp, icmp, icmpv6 or a number 0-255";
            return null;
        }

        UInt128? address = null;
        byte[]? addressBytes = null;
        if (request.Address is { } text)
        {
            if (!IPAddress.TryParse(text, out var parsed) || text.Contains('/', StringComparison.Ordinal))
            {
                error = "address must be an IPv4 or IPv6 address";
                return null;
            }

            if (parsed.IsIPv4MappedToIPv6)
            {
                parsed = parsed.MapToIPv4();
            }

            var v6 = parsed.AddressFamily == AddressFamily.InterNetworkV6;
            var addressFamily = v6 ? Nl.AfInet6 : Nl.AfInet;
            if (family != 0 && family != addressFamily)
            {
                error = "address is of another family than the protocol";
                return null;
            }

            family = addressFamily;
            addressBytes = parsed.GetAddressBytes();
            address = ConnectionEntry.AddressOf(addressBytes);
        }

        if (request.Port is < 0 or > 65535)
        {
            error = "port must be 0-65535";
            return null;
        }

        (ulong, uint)? after = null;
        if (request.Cursor is { } cursor)
        {
            if (!TryCursor(cursor, out var key))
            {
                error = "cursor is not one this API handed out";
                return null;
            }

            after = key;
        }

        return new ConnectionQuery
        {
            Family = family,
            Protocol = protocol,
            Address = address,
            AddressBytes = addressBytes,
            Port = request.Port,
            Device = request.Device?.ToLowerInvariant().Replace('-', ':'),
            Mark = request.Mark,
            MarkMask = request.MarkMask ?? uint.MaxValue,
            Limit = request.Limit,
            After = after,
        };
    }

    /// <summary>The cursor that continues after <paramref name="key"/>: opaque to callers, two hex numbers to us.</summary>
    public static string Cursor((ulong Start, uint Id) key) => string.Create(CultureInfo.InvariantCulture, $"{key.Start:x}-{key.Id:x}");

    public static bool TryCursor(string text, out (ulong Start, uint Id) key)
    {
        key = default;
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || text.Length > 26
            || !ulong.TryParse(text.AsSpan(0, dash), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var start)
            || !uint.TryParse(text.AsSpan(dash + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var id))
        {
            return false;
        }

        key = (start, id);
        return true;
    }

    /// <summary>Whether <paramref name="entry"/> passes the filters the kernel did not apply (the device is checked by the caller).</summary>
    public bool MatchesStream(in ConnectionEntry entry)
    {
        if (Family != 0 && entry.Family != Family)
        {
            return false;
        }

        if (Protocol >= 0 && entry.Protocol != Protocol)
        {
            return false;
        }

        if (Mark is { } mark && (entry.Mark & MarkMask) != mark)
        {
            return false;
        }

        if (Address is { } a && entry.OriginalSource.Address != a && entry.OriginalDestination.Address != a
            && entry.ReplySource.Address != a && entry.ReplyDestination.Address != a)
        {
            return false;
        }

        return Port is not { } p || entry.OriginalSource.Port == p || entry.OriginalDestination.Port == p
            || entry.ReplySource.Port == p || entry.ReplyDestination.Port == p;
    }

    /// <summary>True when <paramref name="key"/> belongs after the cursor (older, or as old with a lower id).</summary>
    public bool OnPage((ulong Start, uint Id) key) =>
        After is not { } after || key.Start < after.Start || (key.Start == after.Start && key.Id < after.Id);

    private static bool TryProtocol(string name, out int protocol, out byte family)
    {
        family = 0;
        switch (name.ToLowerInvariant())
        {
            case "tcp":
                protocol = 6;
                return true;
            case "udp":
                protocol = 17;
                return true;
            case "icmp":
                protocol = 1;
                family = Nl.AfInet;
                return true;
            case "icmpv6":
                protocol = 58;
                family = Nl.AfInet6;
                return true;
            default:
                return int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out protocol) && protocol is >= 0 and <= 255;
        }
    }
}
