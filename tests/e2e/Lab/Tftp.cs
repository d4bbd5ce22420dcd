using System.Diagnostics;

namespace Gateway.Tests.E2e.Lab;

/// <summary>
/// Real TFTP: Debian's tftpd-hpa server (<c>in.tftpd</c>, run in the foreground inside a lab namespace by
/// the test, never as the host's daemon) and tftp-hpa's client.
/// </summary>
public static class Tftp
{
    /// <summary>Serves <paramref name="root"/> (made world-readable: in.tftpd drops to nobody) on UDP 69 in <paramref name="ns"/>.</summary>
    public static async Task StartServerAsync(Lab lab, string ns, string root)
    {
        var readable = await lab.ExecAsync(ns, $"chmod -R a+rX '{root}'");
        if (!readable.Succeeded)
        {
            throw new InvalidOperationException($"chmod {root}: {readable}");
        }

        lab.StartInNs(ns, $"exec /usr/sbin/in.tftpd --foreground --secure '{root}'");
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            var listening = await lab.ExecAsync(ns, "ss -Hlun 'sport = :69'");
            if (listening.Succeeded && listening.Stdout.Contains(":69", StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"in.tftpd did not listen on UDP 69 in {ns}.");
    }

    /// <summary>
    /// Fetches <paramref name="file"/> from <paramref name="server"/>:<paramref name="port"/> with tftp-hpa's client
    /// in <paramref name="ns"/>; returns its content, or null when the transfer failed. The client reports a
    /// failure only in its output (a timed-out transfer leaves the blocks that did arrive in the file), so a
    /// message from it is a failure. Retransmits every second and gives up after 4 s.
    /// </summary>
    public static async Task<string?> GetAsync(Lab lab, string ns, string server, int port, string file)
    {
        var output = $"/tmp/tftp-get-{Guid.NewGuid():N}";
        var result = await lab.ExecAsync(ns,
            $"said=$(printf 'mode octet\\nrexmt 1\\ntimeout 4\\nget {file} {output}\\nquit\\n' | timeout 15 /usr/bin/tftp {server} {port} 2>&1 | sed 's/tftp> //g' | tr -d '\\n'); " +
            $"if [ -n \"$said\" ]; then echo \"tftp: $said\" >&2; rm -f {output}; exit 3; fi; " +
            $"cat {output}; rm -f {output}",
            TimeSpan.FromSeconds(20));
        return result.Succeeded && result.Stdout.Length > 0 ? result.Stdout : null;
    }
}
