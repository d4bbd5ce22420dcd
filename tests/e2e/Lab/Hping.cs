using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Gateway.Tests.E2e.Lab;

/// <summary>What hping3 reported: packets it sent, over how long.</summary>
public sealed record HpingResult(long Transmitted, TimeSpan Duration, CommandResult Output)
{
    public double PacketsPerSecond => Transmitted / Math.Max(Duration.TotalSeconds, 0.001);
}

/// <summary>
/// hping3 in a lab namespace: crafted packets a socket cannot send (spoofed sources, bare ACKs, SYN floods).
/// Always quiet (-q); a run with a duration is stopped by SIGINT so hping3 still prints its statistics.
/// </summary>
public static partial class Hping
{
    /// <summary>Sends what <paramref name="arguments"/> say (they must bound it, e.g. with -c) and returns the count.</summary>
    public static Task<HpingResult> RunAsync(Lab lab, string ns, string arguments) =>
        RunCoreAsync(lab, ns, $"hping3 -q {arguments}", TimeSpan.FromSeconds(30));

    /// <summary>Runs for <paramref name="duration"/>, then interrupts hping3 (for -i u.. or --flood).</summary>
    public static Task<HpingResult> RunForAsync(Lab lab, string ns, string arguments, TimeSpan duration) =>
        RunCoreAsync(lab, ns,
            $"timeout -s INT {duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} hping3 -q {arguments}",
            duration + TimeSpan.FromSeconds(15));

    private static async Task<HpingResult> RunCoreAsync(Lab lab, string ns, string command, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var result = await lab.ExecAsync(ns, command + " 2>&1", timeout);
        var elapsed = clock.Elapsed;
        var match = TransmittedPattern().Match(result.Stdout);
        if (!match.Success)
        {
            throw new InvalidOperationException($"hping3 printed no statistics ({command}): {result}");
        }

        return new HpingResult(long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), elapsed, result);
    }

    [GeneratedRegex(@"(\d+) packets transmitted")]
    private static partial Regex TransmittedPattern();
}
