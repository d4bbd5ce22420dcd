using Gateway.Agent.Nft;

namespace Gateway.Tests.Unit.Agent;

public sealed class TableFingerprintTests
{
    private const string Listing = """
        table inet gateway { # handle 1
        	set syn4 { # handle 3
        		type ipv4_addr
        		size 65535
        		flags dynamic,timeout
        		timeout 1m
        		elements = { 1.2.3.4 limit rate over 5/second,
        			     5.6.7.8 limit rate over 5/second }
        	}

        	set macs { # handle 4
        		type ether_addr
        		elements = { 00:11:22:33:44:55 }
        	}

        	chain input { # handle 1
        		type filter hook input priority filter; policy accept;
        		iif "lo" counter accept # handle 5
        	}
        }

        """;

    [Fact]
    public void Meter_elements_do_not_change_the_fingerprint_but_static_elements_and_handles_do()
    {
        var fingerprint = TableFingerprint.Of(Listing);

        Assert.Equal(fingerprint, TableFingerprint.Of(Listing.Replace("1.2.3.4 limit rate over 5/second,\n\t\t\t     5.6.7.8 limit rate over 5/second }", "9.9.9.9 limit rate over 5/second }", StringComparison.Ordinal)));
        Assert.Equal(fingerprint, TableFingerprint.Of(Listing.Replace("\t\telements = { 1.2.3.4 limit rate over 5/second,\n\t\t\t     5.6.7.8 limit rate over 5/second }\n", string.Empty, StringComparison.Ordinal)));
        Assert.NotEqual(fingerprint, TableFingerprint.Of(Listing.Replace("00:11:22:33:44:55", "00:11:22:33:44:56", StringComparison.Ordinal)));
        Assert.NotEqual(fingerprint, TableFingerprint.Of(Listing.Replace("# handle 5", "# handle 6", StringComparison.Ordinal)));
        Assert.Contains("type ether_addr", TableFingerprint.WithoutDynamicElements(Listing), StringComparison.Ordinal);
        Assert.DoesNotContain("1.2.3.4", TableFingerprint.WithoutDynamicElements(Listing), StringComparison.Ordinal);
        Assert.DoesNotContain("5.6.7.8", TableFingerprint.WithoutDynamicElements(Listing), StringComparison.Ordinal);
    }
}
