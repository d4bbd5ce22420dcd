using Gateway.Tests.E2e.Lab;
using static Gateway.Tests.E2e.Lab.Lab;

namespace Gateway.Tests.E2e.Packets;

/// <summary>
/// The application helper matrix with real servers and clients: TFTP (tftpd-hpa / tftp-hpa) through a forward
/// and outbound, active FTP outbound (pyftpdlib, curl), an IRC DCC offer, and every other helper loading.
/// Each test proves the failure without the helper first, so a pass is the helper's doing.
/// </summary>
public sealed class HelperTests(HelperTests.Fixture fixture) : IClassFixture<HelperTests.Fixture>, IAsyncLifetime
{
    public sealed class Fixture : LabFixture
    {
        /// <summary>
        /// Several 512-byte TFTP blocks: a one-block file "arrives" even when the client's ACK can never reach
        /// the server (the client stops after the last block), so only more blocks prove a working return path.
        /// </summary>
        public string FileContent { get; } = string.Concat(Enumerable.Range(0, 60).Select(i => $"line {i:00} {Guid.NewGuid():N}\n"));

        protected override async Task OnSetUpAsync()
        {
            var root = Directory.CreateDirectory(Path.Combine(Lab.StateDir, "files")).FullName;
            await File.WriteAllTextAsync(Path.Combine(root, "hello.txt"), FileContent);
            await Tftp.StartServerAsync(Lab, Lab.Lan1Ns, root);
            await Tftp.StartServerAsync(Lab, Lab.WanNs, root);
            Lab.StartInNs(Lab.WanNs, $"exec /usr/bin/python3 -m pyftpdlib -i {WanHostIp} -p 21 -d '{root}'");
            await WaitForTcpListenerAsync(Lab.WanNs, WanHostIp, 21);
        }
    }

    private readonly Lab.Lab _lab = fixture.Lab;
    private readonly HttpClient _api = fixture.Api;

    public Task InitializeAsync() => _api.SetOutboundHelpersAsync(_lab);

    public Task DisposeAsync() => _api.SetOutboundHelpersAsync(_lab);

    [Fact]
    public async Task TftpThroughAForwardNeedsTheTftpHelper()
    {
        // With masquerade on, the server's reply would leave as a fresh masqueraded flow and pass without the
        // helper (NOTES.md); without it only the helper's expectation brings the reply home as 203.0.113.1.
        await _api.UpdateNetworkAsync(_lab, network => network["masquerade"] = false);
        var id = await _api.CreateForwardAsync(_lab, new
        {
            name = "tftp",
            protocol = "udp",
            externalPort = 69,
            internalAddress = Lan1Ip,
            internalPort = 69,
        });
        try
        {
            Assert.Null(await Tftp.GetAsync(_lab, _lab.WanNs, RouterWanIp, 69, "hello.txt"));

            await _api.UpdateForwardAsync(_lab, id, forward => forward["helper"] = "tftp");
            Assert.Equal(fixture.FileContent, await Tftp.GetAsync(_lab, _lab.WanNs, RouterWanIp, 69, "hello.txt"));
        }
        finally
        {
            await _api.DeleteForwardAsync(_lab, id);
            await _api.UpdateNetworkAsync(_lab, network => network["masquerade"] = true);
        }
    }

    [Fact]
    public async Task TftpOutboundThroughMasqueradeNeedsTheOutboundHelper()
    {
        // The server answers from a new port: without the helper that is an unsolicited packet to the router.
        Assert.Null(await Tftp.GetAsync(_lab, _lab.Lan1Ns, WanHostIp, 69, "hello.txt"));

        await _api.SetOutboundHelpersAsync(_lab, "tftp");
        Assert.Equal(fixture.FileContent, await Tftp.GetAsync(_lab, _lab.Lan1Ns, WanHostIp, 69, "hello.txt"));
        Assert.Equal(fixture.FileContent, await Tftp.GetAsync(_lab, _lab.Lan2Ns, WanHostIp, 69, "hello.txt"));

        await _api.SetOutboundHelpersAsync(_lab, "ftp");
        Assert.Null(await Tftp.GetAsync(_lab, _lab.Lan1Ns, WanHostIp, 69, "hello.txt"));
    }

    [Fact]
    public async Task ActiveFtpOutboundNeedsTheOutboundFtpHelper()
    {
        // "--ftp-port -": curl offers its own LAN address in EPRT/PORT. pyftpdlib refuses a data address other
        // than the client's, and the WAN host could not reach the LAN anyway: only the helper's rewrite to
        // 203.0.113.1 and its expectation make the transfer work.
        var without = await ActiveFtpAsync(_lab.Lan1Ns);
        Assert.False(without.Succeeded, "active FTP worked without the outbound ftp helper: " + without);

        await _api.SetOutboundHelpersAsync(_lab, "ftp");
        var with = await ActiveFtpAsync(_lab.Lan1Ns);
        Assert.True(with.Succeeded, with.ToString());
        Assert.Equal(fixture.FileContent, with.Stdout);

        var portOnly = await ActiveFtpAsync(_lab.Lan2Ns, "--disable-eprt");
        Assert.True(portOnly.Succeeded, portOnly.ToString());
        Assert.Equal(fixture.FileContent, portOnly.Stdout);
    }

    [Fact]
    public async Task AnIrcDccOfferThroughAForwardCreatesAnExpectationOnlyWithTheIrcHelper()
    {
        await using var ircd = _lab.StartTcpEchoServer(_lab.Lan1Ns, 6667, "ircd");
        var id = await _api.CreateForwardAsync(_lab, new
        {
            name = "irc",
            protocol = "tcp",
            externalPort = 6667,
            internalAddress = Lan1Ip,
            internalPort = 6667,
        });
        try
        {
            using (await IrcDcc.OfferAsync(_lab.WanNs, RouterWanIp, 6667, WanHostIp, 5001))
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
                Assert.DoesNotContain(await _lab.ExpectationsAsync(), line => line.Contains("dport=5001", StringComparison.Ordinal));
            }

            await _api.UpdateForwardAsync(_lab, id, forward => forward["helper"] = "irc");
            using (await IrcDcc.OfferAsync(_lab.WanNs, RouterWanIp, 6667, WanHostIp, 5002))
            {
                IReadOnlyList<string> expectations = [];
                var seen = await Eventually.TrueAsync(async () =>
                {
                    expectations = await _lab.ExpectationsAsync();
                    return expectations.Any(line => line.Contains("dport=5002", StringComparison.Ordinal));
                }, TimeSpan.FromSeconds(3));
                Assert.True(seen, "no conntrack expectation for the DCC offer: " + string.Join("\n", expectations));
                var expectation = expectations.First(line => line.Contains("dport=5002", StringComparison.Ordinal));
                Assert.Contains($"dst={WanHostIp}", expectation, StringComparison.Ordinal);
                Assert.Contains("irc", expectation, StringComparison.Ordinal);
            }
        }
        finally
        {
            await _api.DeleteForwardAsync(_lab, id);
        }
    }

    [Fact]
    public async Task EveryOtherHelperLoadsOnAForwardAndOutbound()
    {
        (string Helper, string Protocol, int Port, string KernelType)[] helpers =
        [
            ("sip", "udp", 5060, "sip"),
            ("h323", "tcp", 1720, "Q.931"),
            ("pptp", "tcp", 1723, "pptp"),
            ("amanda", "udp", 10080, "amanda"),
            ("snmp", "udp", 161, "snmp"),
        ];
        var ids = new List<int>();
        try
        {
            foreach (var (helper, protocol, port, _) in helpers)
            {
                ids.Add(await _api.CreateForwardAsync(_lab, new
                {
                    name = helper,
                    protocol,
                    externalPort = port,
                    internalAddress = Lan2Ip,
                    internalPort = port,
                    helper,
                }));
            }

            await _api.SetOutboundHelpersAsync(_lab, [.. NatApi.AllHelpers]);
            Assert.Null((await _api.StatusAsync())["lastApplyError"]?.GetValue<string>());

            var table = await _lab.RouterAsync("nft list table inet gateway");
            foreach (var (_, protocol, _, kernelType) in helpers)
            {
                Assert.Contains($"type \"{kernelType}\" protocol {protocol}", table, StringComparison.Ordinal);
            }

            Assert.Contains("type \"ftp\" protocol tcp", table, StringComparison.Ordinal);
            Assert.Contains("type \"tftp\" protocol udp", table, StringComparison.Ordinal);
            Assert.Contains("type \"irc\" protocol tcp", table, StringComparison.Ordinal);
            Assert.Contains("ct helper set", table, StringComparison.Ordinal);

            // And each forward's helper is stored as given.
            foreach (var (id, (helper, _, _, _)) in ids.Zip(helpers))
            {
                Assert.Equal(helper, (await _api.GetJsonAsync($"{GatewayApi.PortForwards}/{id}"))["helper"]?.GetValue<string>());
            }
        }
        finally
        {
            foreach (var id in ids)
            {
                await _api.DeleteForwardAsync(_lab, id);
            }
        }
    }

    private Task<CommandResult> ActiveFtpAsync(string ns, string options = "") =>
        _lab.ExecAsync(ns,
            $"curl --silent --show-error --connect-timeout 5 --max-time 15 --ftp-port - {options} ftp://{WanHostIp}/hello.txt",
            TimeSpan.FromSeconds(25));
}
