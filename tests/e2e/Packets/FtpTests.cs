using Gateway.Tests.E2e.Lab;
using static Gateway.Tests.E2e.Lab.Lab;

namespace Gateway.Tests.E2e.Packets;

/// <summary>
/// FTP through a port forward: a real server (Debian's python3-pyftpdlib) on lan1 and a real client (curl)
/// on the WAN host. Passive mode only works when the router's ftp helper rewrites the server's
/// "227 (192,168,50,10,…)" answer and expects the data connection.
/// </summary>
public sealed class FtpTests(FtpTests.Fixture fixture) : IClassFixture<FtpTests.Fixture>
{
    public sealed class Fixture : LabFixture
    {
        public string FileContent { get; } = $"hello through the gateway {Guid.NewGuid():N}";

        protected override async Task OnSetUpAsync()
        {
            var root = Directory.CreateDirectory(Path.Combine(Lab.StateDir, "ftp-root")).FullName;
            await File.WriteAllTextAsync(Path.Combine(root, "hello.txt"), FileContent);
            Lab.StartInNs(Lab.Lan1Ns, $"exec /usr/bin/python3 -m pyftpdlib -i {Lan1Ip} -p 21 -d '{root}'");
            await WaitForTcpListenerAsync(Lab.Lan1Ns, Lan1Ip, 21);
        }
    }

    private const string Pasv = "--disable-epsv --no-ftp-skip-pasv-ip";

    private readonly Lab.Lab _lab = fixture.Lab;
    private readonly HttpClient _api = fixture.Api;

    [Fact]
    public async Task PassiveFtpWorksThroughAForwardOnlyWithTheFtpHelper()
    {
        var id = await _api.CreateForwardAsync(_lab, new
        {
            name = "ftp passive",
            protocol = "tcp",
            externalPort = 2121,
            internalAddress = Lan1Ip,
            internalPort = 21,
            ftpHelper = true,
        });
        try
        {
            // PASV: the answer carries an address the helper must rewrite to the router's WAN address.
            // (curl would otherwise ignore that address and reuse the control connection's.)
            var pasv = await CurlAsync(Pasv, 2121);
            Assert.True(pasv.Succeeded, pasv.ToString());
            Assert.Equal(fixture.FileContent, pasv.Stdout);

            // EPSV: only a port comes back; the helper's expectation must still DNAT the data connection.
            var epsv = await CurlAsync("", 2121);
            Assert.True(epsv.Succeeded, epsv.ToString());
            Assert.Equal(fixture.FileContent, epsv.Stdout);

            await _api.UpdateForwardAsync(_lab, id, forward => forward["ftpHelper"] = false);
            var withoutHelper = await CurlAsync(Pasv, 2121);
            Assert.False(withoutHelper.Succeeded, "passive FTP worked without the ftp helper: " + withoutHelper);
        }
        finally
        {
            await _api.DeleteForwardAsync(_lab, id);
        }
    }

    [Fact]
    public async Task ActiveFtpWorksThroughAForward()
    {
        var id = await _api.CreateForwardAsync(_lab, new
        {
            name = "ftp active",
            protocol = "tcp",
            externalPort = 2021,
            internalAddress = Lan1Ip,
            internalPort = 21,
            ftpHelper = true,
        });
        try
        {
            // PORT / EPRT: the server connects back to the WAN host from lan1.
            var port = await CurlAsync($"--ftp-port {WanHostIp} --disable-eprt", 2021);
            Assert.True(port.Succeeded, port.ToString());
            Assert.Equal(fixture.FileContent, port.Stdout);

            var eprt = await CurlAsync($"--ftp-port {WanHostIp}", 2021);
            Assert.True(eprt.Succeeded, eprt.ToString());
            Assert.Equal(fixture.FileContent, eprt.Stdout);
        }
        finally
        {
            await _api.DeleteForwardAsync(_lab, id);
        }
    }

    private Task<CommandResult> CurlAsync(string options, int port) =>
        _lab.ExecAsync(_lab.WanNs,
            $"curl --silent --show-error --connect-timeout 5 --max-time 20 {options} ftp://{RouterWanIp}:{port}/hello.txt",
            TimeSpan.FromSeconds(30));
}
