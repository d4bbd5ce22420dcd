using System.Diagnostics.CodeAnalysis;

namespace Gateway.Shared.Validation;

/// <summary>
/// Strict dotted-quad IPv4 parsing. <see cref="System.Net.IPAddress.TryParse(string, out System.Net.IPAddress)"/>
/// accepts "1", "0x7f.1" and "010.0.0.1" (octal); a router config must mean exactly what it shows.
/// </summary>
public static class Ipv4
{
    public static bool TryParse([NotNullWhen(true)] string? text, out uint address)
    {
        address = 0;
        if (string.IsNullOrEmpty(text) || text.Length > 15)
        {
            return false;
        }

        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        foreach (var part in parts)
        {
            if (part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0'))
            {
                return false;
            }

            var value = 0;
            foreach (var c in part)
            {
                if (c is < '0' or > '9')
                {
                    return false;
                }

                value = (value * 10) + (c - '0');
            }

            if (value > 255)
            {
                return false;
            }

            address = (address << 8) | (uint)value;
        }

        return true;
    }

    public static string Format(uint address) =>
        $"{address >> 24}.{(address >> 16) & 0xff}.{(address >> 8) & 0xff}.{address & 0xff}";
}

/// <summary>An IPv4 address with a prefix length, e.g. the router's LAN address "192.168.1.1/24".</summary>
public readonly record struct Ipv4Cidr(uint Address, int PrefixLength)
{
    public uint Mask => PrefixLength == 0 ? 0u : uint.MaxValue << (32 - PrefixLength);

    public uint Network => Address & Mask;

    public uint Broadcast => Network | ~Mask;

    public bool Contains(uint address) => (address & Mask) == Network;

    /// <summary>True when the address part has no host bits set ("10.0.0.0/8", not "10.0.0.1/8").</summary>
    public bool IsNetworkAligned => Address == Network;

    /// <summary>Canonical "a.b.c.d/len" of the network (host bits cleared).</summary>
    public string NetworkText => $"{Ipv4.Format(Network)}/{PrefixLength}";

    public override string ToString() => $"{Ipv4.Format(Address)}/{PrefixLength}";

    /// <summary>Parses "a.b.c.d/len"; a bare address is accepted as /32 only when <paramref name="allowBareAddress"/>.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, bool allowBareAddress, out Ipv4Cidr cidr)
    {
        cidr = default;
        if (string.IsNullOrEmpty(text) || text.Length > 18)
        {
            return false;
        }

        var slash = text.IndexOf('/');
        if (slash < 0)
        {
            if (!allowBareAddress || !Ipv4.TryParse(text, out var bare))
            {
                return false;
            }

            cidr = new Ipv4Cidr(bare, 32);
            return true;
        }

        var lengthText = text[(slash + 1)..];
        if (!Ipv4.TryParse(text[..slash], out var address)
            || lengthText.Length is 0 or > 2
            || (lengthText.Length > 1 && lengthText[0] == '0')
            || !lengthText.All(char.IsAsciiDigit))
        {
            return false;
        }

        var length = int.Parse(lengthText, System.Globalization.CultureInfo.InvariantCulture);
        if (length > 32)
        {
            return false;
        }

        cidr = new Ipv4Cidr(address, length);
        return true;
    }
}
