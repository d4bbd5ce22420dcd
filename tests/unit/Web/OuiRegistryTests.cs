using Gateway.Web.Devices;

namespace Gateway.Tests.Unit.Web;

/// <summary>The IEEE registry parser: CRLF text, "(hex)" lines only, and no vendor for locally administered MACs.</summary>
public sealed class OuiRegistryTests
{
    private const string Sample =
        "OUI/MA-L                                                    Organization                                 \r\n" +
        "company_id                                                  Organization                                 \r\n" +
        "                                                            Address                                      \r\n" +
        "\r\n" +
        "00-22-72   (hex)\t\tAmerican Micro-Fuel Device Corp.\r\n" +
        "002272     (base 16)\t\tAmerican Micro-Fuel Device Corp.\r\n" +
        "\t\t\t\t2181 Buchanan Loop\r\n" +
        "\t\t\t\tUS\r\n" +
        "\r\n" +
        "02-00-5E   (hex)\t\tA registry block with the local bit\r\n" +
        "02005E     (base 16)\t\tA registry block with the local bit\r\n" +
        "\r\n" +
        "AC-DE-48   (hex)\t\tPrivate\r\n";

    [Fact]
    public void Parses_the_hex_lines_without_carriage_returns()
    {
        var registry = OuiRegistry.Parse(new StringReader(Sample));
        Assert.Equal(3, registry.Count);
        Assert.Equal("American Micro-Fuel Device Corp.", registry.Vendor("00:22:72:12:34:56"));
        Assert.Equal("Private", registry.Vendor("ac:de:48:00:00:01"));
    }

    [Theory]
    [InlineData("02:00:5e:00:00:01")] // listed, but the locally administered bit is set
    [InlineData("da:a1:19:00:00:01")] // a phone's random address
    [InlineData("00:00:01:00:00:01")] // not listed
    [InlineData("nonsense")]
    public void Has_no_vendor_for_local_unknown_or_malformed_macs(string mac) =>
        Assert.Null(OuiRegistry.Parse(new StringReader(Sample)).Vendor(mac));

    [Fact]
    public void Reads_debians_registry_and_a_missing_file_is_empty()
    {
        Assert.Equal(0, OuiRegistry.Load("/nonexistent/oui.txt").Count);
        if (File.Exists(OuiRegistry.DefaultPath))
        {
            var registry = OuiRegistry.Load(OuiRegistry.DefaultPath);
            Assert.True(registry.Count > 10_000, $"{registry.Count} blocks");
            Assert.NotNull(registry.Vendor("00:1b:21:00:00:01"));
            Assert.DoesNotContain('\r', registry.Vendor("00:1b:21:00:00:01")!);
        }
    }
}
