using Gateway.Agent.Logs;
using Gateway.Shared.Config;

namespace Gateway.Tests.Unit.Agent;

public sealed class KmsgParserTests
{
    // Records read from /dev/kmsg on this machine while the lab's router namespace ran the compiled ruleset.
    private const string PortForwardRecord =
        "6,399,917472857,-;gw port-forward 5 IN=wan0 OUT=br-lan MAC=12:6b:eb:cf:6e:f9:d6:de:d6:1d:34:c8:08:00 SRC=203.0.113.2 DST=192.168.1.20 LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=2517 DF PROTO=TCP SPT=33510 DPT=7002 WINDOW=64240 RES=0x00 SYN URGP=0 \n";

    private const string DroppedInputRecord =
        "4,400,928308216,-;gw dropped-input IN=wan0 OUT= MAC=12:6b:eb:cf:6e:f9:d6:de:d6:1d:34:c8:08:00 SRC=203.0.113.2 DST=203.0.113.1 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=38227 DF PROTO=TCP SPT=43574 DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0 \n";

    private static readonly DateTimeOffset Boot = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_port_forward_record_gives_level_category_forward_id_and_packet_fields()
    {
        Assert.True(KmsgParser.TryParse(PortForwardRecord, Boot, out var entry));

        Assert.Equal(FirewallLogLevel.Info, entry.Level);
        Assert.Equal("port-forward", entry.Category);
        Assert.Equal(5, entry.RuleId);
        Assert.Equal("wan0", entry.InInterface);
        Assert.Equal("br-lan", entry.OutInterface);
        Assert.Equal("203.0.113.2", entry.Source);
        Assert.Equal("192.168.1.20", entry.Destination);
        Assert.Equal("TCP", entry.Protocol);
        Assert.Equal(33510, entry.SourcePort);
        Assert.Equal(7002, entry.DestinationPort);
        Assert.Equal("d6:de:d6:1d:34:c8", entry.Mac);
        Assert.Equal(Boot.AddMicroseconds(917472857), entry.Time);
        Assert.Equal("TCP 203.0.113.2:33510 → 192.168.1.20:7002 in wan0 out br-lan", entry.Summary);
    }

    [Fact]
    public void Ipv6_addresses_from_nf_log_are_shown_compressed()
    {
        const string record = "4,401,928308216,-;gw dropped-forward IN=wan0 OUT=br-lan MAC=12:6b:eb:cf:6e:f9:d6:de:d6:1d:34:c8:86:dd SRC=2001:0db8:0113:0000:0000:0000:0000:0002 DST=2001:0db8:0050:0000:0000:0000:0000:0010 LEN=80 TC=0 HOPLIMIT=63 FLOWLBL=0 PROTO=TCP SPT=43574 DPT=22 WINDOW=64800 RES=0x00 SYN URGP=0 \n";

        Assert.True(KmsgParser.TryParse(record, Boot, out var entry));

        Assert.Equal("2001:db8:113::2", entry.Source);
        Assert.Equal("2001:db8:50::10", entry.Destination);
    }

    [Fact]
    public void A_dropped_input_record_has_no_out_interface_and_no_rule_id()
    {
        Assert.True(KmsgParser.TryParse(DroppedInputRecord, Boot, out var entry));

        Assert.Equal(FirewallLogLevel.Warn, entry.Level);
        Assert.Equal("dropped-input", entry.Category);
        Assert.Null(entry.RuleId);
        Assert.Null(entry.OutInterface);
        Assert.Equal(22, entry.DestinationPort);
    }

    [Theory]
    [InlineData("0,1,5,-;gw mac-filter IN=br-lan OUT= MAC=ff:ff:ff:ff:ff:ff:02:00:00:00:00:01:08:00 SRC=192.168.1.50 DST=192.168.1.1 PROTO=ICMP TYPE=8", FirewallLogLevel.Emerg, "mac-filter")]
    [InlineData("15,2,5,-;gw dropped-forward IN=br-lan OUT=wan0 SRC=192.168.1.50 DST=198.51.100.1 PROTO=UDP SPT=1 DPT=2", FirewallLogLevel.Debug, "dropped-forward")]
    [InlineData("13,3,5,c,extra;gw dropped-input IN=wan0 OUT= SRC=1.2.3.4 DST=5.6.7.8 PROTO=TCP", FirewallLogLevel.Notice, "dropped-input")]
    public void The_level_comes_from_the_severity_bits_of_pri(string record, FirewallLogLevel level, string category)
    {
        Assert.True(KmsgParser.TryParse(record, Boot, out var entry));
        Assert.Equal(level, entry.Level);
        Assert.Equal(category, entry.Category);
    }

    [Fact]
    public void Continuation_lines_after_the_message_are_ignored()
    {
        var record = "6,10,100,-;gw dropped-input IN=wan0 OUT= SRC=1.2.3.4 DST=5.6.7.8 PROTO=UDP SPT=9 DPT=10 \n SUBSYSTEM=net\n DEVICE=n2\n";

        Assert.True(KmsgParser.TryParse(record, Boot, out var entry));
        Assert.Equal(10, entry.DestinationPort);
    }

    [Theory]
    [InlineData("6,1,2,-;eth0: link up")]
    [InlineData("6,1,2,-;gwx dropped-input IN=wan0")]
    [InlineData("6,1,2,-;gw unknown-category IN=wan0")]
    [InlineData("6,1,2,-;gw dropped-inputIN=wan0")]
    [InlineData("garbage without header")]
    [InlineData("x,1,2,-;gw dropped-input IN=wan0")]
    [InlineData("6,1;gw dropped-input IN=wan0")]
    [InlineData("")]
    [InlineData("6,1,9223372036854775807,-;gw dropped-input IN=wan0")]
    [InlineData("6,1,922337203685477580,-;gw dropped-input IN=wan0")]
    public void Other_lines_are_not_firewall_entries(string record)
    {
        Assert.False(KmsgParser.TryParse(record, Boot, out _));
    }

    [Fact]
    public void Bad_port_numbers_become_null_not_errors()
    {
        Assert.True(KmsgParser.TryParse("6,1,2,-;gw port-forward 3 SRC=1.2.3.4 DST=5.6.7.8 PROTO=TCP SPT=99999 DPT=x", Boot, out var entry));
        Assert.Null(entry.SourcePort);
        Assert.Null(entry.DestinationPort);
        Assert.Equal(3, entry.RuleId);
    }

    [Fact]
    public void A_rule_record_gives_the_rule_id()
    {
        var record = "4,501,1000,-;gw rule 7 IN=ppp0 OUT= SRC=198.51.100.9 DST=203.0.113.1 LEN=60 PROTO=TCP SPT=5555 DPT=22 SYN URGP=0 \n";

        Assert.True(KmsgParser.TryParse(record, Boot, out var entry));
        Assert.Equal(FirewallCategory.Rule.ToWord(), entry.Category);
        Assert.Equal(7, entry.RuleId);
        Assert.Equal("ppp0", entry.InInterface);
        Assert.Equal(22, entry.DestinationPort);
        Assert.Equal(FirewallLogLevel.Warn, entry.Level);
    }

    [Fact]
    public void A_dos_record_has_no_id_even_when_a_number_follows()
    {
        var record = "5,502,1000,-;gw dos IN=wan0 OUT= SRC=203.0.113.66 DST=203.0.113.1 LEN=84 PROTO=ICMP TYPE=8 CODE=0 ID=3 SEQ=9 \n";

        Assert.True(KmsgParser.TryParse(record, Boot, out var entry));
        Assert.Equal("dos", entry.Category);
        Assert.Null(entry.RuleId);
        Assert.Equal("ICMP", entry.Protocol);
        Assert.Equal(FirewallLogLevel.Notice, entry.Level);
    }

    [Fact]
    public void Every_category_the_compiler_can_write_is_parsed_back()
    {
        foreach (var category in FirewallCategories.All)
        {
            var prefix = Gateway.Agent.Nft.RulesetCompiler.Prefix(category, 12);
            Assert.True(KmsgParser.TryParse($"6,1,2,-;{prefix}IN=wan0 OUT= SRC=1.2.3.4 DST=5.6.7.8 PROTO=UDP", Boot, out var entry), prefix);
            Assert.Equal(category.ToWord(), entry.Category);
            Assert.Equal(category.CarriesId() ? 12 : null, entry.RuleId);
            Assert.Equal("wan0", entry.InInterface);
        }
    }

    [Theory]
    [InlineData("6,1,2,-;gw rule x IN=wan0 OUT= SRC=1.2.3.4")]
    [InlineData("6,1,2,-;gw rule IN=wan0 OUT= SRC=1.2.3.4")]
    public void A_rule_record_without_a_number_keeps_the_entry_without_an_id(string record)
    {
        Assert.True(KmsgParser.TryParse(record, Boot, out var entry));
        Assert.Equal("rule", entry.Category);
        Assert.Null(entry.RuleId);
        Assert.Equal("1.2.3.4", entry.Source);
    }
}
