using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Gateway.Shared.Validation;

/// <summary>
/// Strict IPv6 parsing: hex groups and "::" only. Refused: zone ids ("fe80::1%eth0", meaningless in a rule),
/// brackets, IPv4-mapped and IPv4-compatible forms ("::ffff:10.0.0.1" is an IPv4 address in disguise and
/// would slip past IPv4 checks; the deprecated "::a.b.c.d" form goes with every dotted quad), and anything that is
/// not an IPv6 literal at all. "::10" (an interface identifier) is an ordinary IPv6 address.
/// </summary>
public static class Ipv6
{
    public static bool TryParse([NotNullWhen(true)] string? text, out UInt128 address) => TryParseLiteral(text, out address);

    /// <summary>An interface identifier written as IPv6 text ("::10", "::a00:27ff:fe4e:66a1"): the low 64 bits only.</summary>
    public static bool TryParseSuffix([NotNullWhen(true)] string? text, out UInt128 address) =>
        TryParseLiteral(text, out address) && address >> 64 == 0;

    private static bool TryParseLiteral([NotNullWhen(true)] string? text, out UInt128 address)
    {
        address = 0;
        if (string.IsNullOrEmpty(text) || text.Length > 39 || !text.Contains(':', StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in text)
        {
            // Digits, hex letters and ':' only: no '%' zone, no '.' of an embedded IPv4, no brackets or spaces.
            if (!(char.IsAsciiHexDigit(c) || c == ':'))
            {
                return false;
            }
        }

        if (!IPAddress.TryParse(text, out var parsed) || parsed.AddressFamily != AddressFamily.InterNetworkV6 || parsed.ScopeId != 0)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        parsed.TryWriteBytes(bytes, out _);
        address = new UInt128(
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[..8]),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
        return !parsed.IsIPv4MappedToIPv6;
    }

    /// <summary>
    /// RFC 5952 text ("2001:db8::1"), the form nft prints. Always hex groups: <see cref="System.Net.IPAddress"/> would
    /// print "::a00:27ff" as "::10.0.39.255", which this parser (rightly) refuses to read back.
    /// </summary>
    public static string Format(UInt128 address)
    {
        Span<ushort> groups = stackalloc ushort[8];
        for (var i = 0; i < 8; i++)
        {
            groups[i] = (ushort)(address >> (112 - (16 * i)));
        }

        // The longest run of two or more zero groups (the first on a tie) becomes "::".
        int bestStart = -1, bestLength = 0;
        for (var i = 0; i < 8;)
        {
            if (groups[i] != 0)
            {
                i++;
                continue;
            }

            var start = i;
            while (i < 8 && groups[i] == 0)
            {
                i++;
            }

            if (i - start > bestLength && i - start >= 2)
            {
                (bestStart, bestLength) = (start, i - start);
            }
        }

        var text = new System.Text.StringBuilder(39);
        for (var i = 0; i < 8; i++)
        {
            if (i == bestStart)
            {
                text.Append("::");
                i += bestLength - 1;
                continue;
            }

            if (text.Length > 0 && text[^1] != ':')
            {
                text.Append(':');
            }

            text.Append(groups[i].ToString("x", CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }
}

/// <summary>An IPv6 address with a prefix length ("2001:db8:1::/64").</summary>
public readonly record struct Ipv6Cidr(UInt128 Address, int PrefixLength)
{
    public UInt128 Mask => PrefixLength == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - PrefixLength);

    public UInt128 Network => Address & Mask;

    public bool Contains(UInt128 address) => (address & Mask) == Network;

    public bool IsNetworkAligned => Address == Network;

    public string NetworkText => $"{Ipv6.Format(Network)}/{PrefixLength}";

    public override string ToString() => $"{Ipv6.Format(Address)}/{PrefixLength}";

    /// <summary>Parses "addr/len" (len 0–128, no leading zeros); a bare address is /128 only when allowed.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, bool allowBareAddress, out Ipv6Cidr cidr)
    {
        cidr = default;
        if (string.IsNullOrEmpty(text) || text.Length > 43)
        {
            return false;
        }

        var slash = text.IndexOf('/');
        if (slash < 0)
        {
            if (!allowBareAddress || !Ipv6.TryParse(text, out var bare))
            {
                return false;
            }

            cidr = new Ipv6Cidr(bare, 128);
            return true;
        }

        var lengthText = text[(slash + 1)..];
        if (!Ipv6.TryParse(text[..slash], out var address)
            || lengthText.Length is 0 or > 3
            || (lengthText.Length > 1 && lengthText[0] == '0')
            || !lengthText.All(char.IsAsciiDigit))
        {
            return false;
        }

        var length = int.Parse(lengthText, CultureInfo.InvariantCulture);
        if (length > 128)
        {
            return false;
        }

        cidr = new Ipv6Cidr(address, length);
        return true;
    }
}

/// <summary>A host or network of either family, as traffic rules take them.</summary>
/// <param name="IsIpv6">The family.</param>
/// <param name="Text">Canonical text: "a.b.c.d" / "a.b.c.d/len" or the IPv6 equivalent, hosts without "/32" or "/128".</param>
/// <param name="IsNetworkAligned">False when host bits are set under the prefix ("10.0.0.1/8").</param>
/// <param name="NetworkText">The network with host bits cleared ("10.0.0.0/8").</param>
public readonly record struct IpNetwork(bool IsIpv6, string Text, bool IsNetworkAligned, string NetworkText)
{
    public static bool TryParse([NotNullWhen(true)] string? text, out IpNetwork network)
    {
        network = default;
        if (Ipv4Cidr.TryParse(text, allowBareAddress: true, out var v4))
        {
            var canonical = v4.PrefixLength == 32 ? Ipv4.Format(v4.Address) : v4.NetworkText;
            network = new IpNetwork(false, canonical, v4.IsNetworkAligned, canonical);
            return true;
        }

        if (Ipv6Cidr.TryParse(text, allowBareAddress: true, out var v6))
        {
            var canonical = v6.PrefixLength == 128 ? Ipv6.Format(v6.Address) : v6.NetworkText;
            network = new IpNetwork(true, canonical, v6.IsNetworkAligned, canonical);
            return true;
        }

        return false;
    }
}
