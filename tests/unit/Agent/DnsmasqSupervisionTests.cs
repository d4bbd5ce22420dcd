using Gateway.Agent.Lan;
using Gateway.Shared.Config;

namespace Gateway.Tests.Unit.Agent;

/// <summary>What a new rendering means for the running dnsmasq, how its files land on disk, and how its lease file reads.</summary>
public sealed class DnsmasqSupervisionTests : IDisposable
{
    private static readonly DnsmasqFiles Serving = new("interface=br-lan\n", "192.168.1.10 nas nas.lan\n", "02:00:00:00:00:01,192.168.1.10,nas\n", "");
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"gw-dnsmasq-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void Unchanged_files_do_nothing_names_reload_the_main_file_restarts_and_idle_stops()
    {
        Assert.Equal(DnsmasqAction.Start, DnsmasqDirectory.Decide(null, Serving));
        Assert.Equal(DnsmasqAction.None, DnsmasqDirectory.Decide(Serving, Serving with { }));
        Assert.Equal(DnsmasqAction.Reload, DnsmasqDirectory.Decide(Serving, Serving with { Hosts = "192.168.1.11 tv\n" }));
        Assert.Equal(DnsmasqAction.Reload, DnsmasqDirectory.Decide(Serving, Serving with { DhcpHosts = "" }));
        Assert.Equal(DnsmasqAction.Reload, DnsmasqDirectory.Decide(Serving, Serving with { Upstream = "server=198.51.100.53\n" }));
        Assert.Equal(DnsmasqAction.Restart, DnsmasqDirectory.Decide(Serving, Serving with { Conf = "interface=eth1\n" }));
        Assert.Equal(DnsmasqAction.Stop, DnsmasqDirectory.Decide(Serving, new DnsmasqFiles("", "", "", "")));
        Assert.Equal(DnsmasqAction.None, DnsmasqDirectory.Decide(null, new DnsmasqFiles("", "", "", "")));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Files_are_readable_by_the_user_dnsmasq_drops_to_and_rewritten_only_when_they_change()
    {
        var directory = new DnsmasqDirectory(_dir);
        Directory.CreateDirectory(_dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        directory.Write(Serving);
        var written = File.GetLastWriteTimeUtc(directory.Paths.Hosts);
        File.SetLastWriteTimeUtc(directory.Paths.Hosts, written.AddHours(-1));
        directory.Write(Serving with { Conf = "interface=eth1\n" });

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute, File.GetUnixFileMode(_dir));
        foreach (var file in new[] { directory.Paths.Conf, directory.Paths.Hosts, directory.Paths.DhcpHosts, directory.Paths.Upstream })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(file));
        }

        Assert.Equal("interface=eth1\n", File.ReadAllText(directory.Paths.Conf));
        Assert.Equal(written.AddHours(-1), File.GetLastWriteTimeUtc(directory.Paths.Hosts));
        Assert.Empty(Directory.GetFiles(_dir, ".*"));
    }

    [Fact]
    public void The_lease_file_lists_ipv4_leases_with_names_expiry_and_static_marks()
    {
        const string text = """
            1765100000 02:00:00:00:00:01 192.168.1.10 nas 01:02:00:00:00:00:01
            0 02:aa:bb:cc:dd:ee 192.168.1.120 * *
            1765100100 02:00:00:00:00:02 192.168.1.121 laptop *
            garbage line
            duid 00:01:00:01:2c:5f:6a:aa:02:00:00:00:00:09
            1765100200 12345 2001:db8:1::50 phone 00:01:00:01
            """;
        StaticLease[] reserved = [new(1, "nas", "02-00-00-00-00-01", "192.168.1.10"), new(2, "laptop", "02:00:00:00:00:02", "192.168.1.99")];

        var leases = DnsmasqLeases.Parse(text, reserved);

        Assert.Equal(3, leases.Count);
        Assert.Equal(new Gateway.Shared.Protocol.DhcpLease("02:00:00:00:00:01", "192.168.1.10", "nas", DateTimeOffset.FromUnixTimeSeconds(1765100000), true), leases[0]);
        Assert.Null(leases[1].Hostname);
        Assert.Null(leases[1].ExpiresAt);
        Assert.False(leases[2].Static); // its static lease names another address
    }
}
