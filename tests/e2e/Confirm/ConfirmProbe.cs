using System.Text.Json.Nodes;
using Gateway.Tests.E2e.Lab;

namespace Gateway.Tests.E2e.Confirm;

/// <summary>What the commit-confirmed tests look at: the kernel's table, the stored config, the pending window, the agent's log.</summary>
internal static class ConfirmProbe
{
    /// <summary>
    /// <c>nft -s list table inet gateway</c> (stateless: no counter values) without the entries traffic puts in the
    /// dynamic sets (the DoS meters, entries with a timeout): state like the counters. The same ruleset lists the same text.
    /// </summary>
    public static async Task<string> TableAsync(Lab.Lab lab)
    {
        var listed = await lab.ExecAsync(lab.RouterNs, "nft -s list table inet gateway");
        Assert.True(listed.Succeeded, $"nft list table: {listed}");
        return WithoutTrafficState(listed.Stdout);
    }

    /// <summary>Drops the <c>elements = { … }</c> of sets that have a timeout (filled by packets, not by the ruleset).</summary>
    public static string WithoutTrafficState(string table)
    {
        var kept = new List<string>();
        var inTimedSet = false;
        var inElements = false;
        foreach (var line in table.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith("set ", StringComparison.Ordinal) && trimmed.EndsWith('{'))
            {
                inTimedSet = false;
            }
            else if (trimmed.StartsWith("timeout ", StringComparison.Ordinal) || trimmed.Contains("flags dynamic", StringComparison.Ordinal))
            {
                inTimedSet = true;
            }

            if (inTimedSet && trimmed.StartsWith("elements = {", StringComparison.Ordinal))
            {
                inElements = true;
            }

            if (!inElements)
            {
                kept.Add(line);
            }

            if (inElements && trimmed.EndsWith('}'))
            {
                inElements = false;
            }
        }

        return string.Join('\n', kept);
    }

    /// <summary>The stored desired state as REST shows it (compact JSON).</summary>
    public static async Task<string> ConfigAsync(HttpClient api) => (await api.GetJsonAsync("/api/v1/config")).ToJsonString();

    public static async Task<(long Revision, DateTimeOffset Deadline)?> PendingAsync(HttpClient api) =>
        (await api.StatusAsync())["pendingConfirmation"] is JsonObject pending
            ? (pending["revision"]!.GetValue<long>(), DateTimeOffset.Parse(pending["deadline"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture))
            : null;

    public static async Task<long> DesiredAsync(HttpClient api) => (await api.StatusAsync())["desiredRevision"]!.GetValue<long>();

    /// <summary>Waits until the agent reports <paramref name="revision"/> waiting for confirmation; returns its deadline.</summary>
    public static async Task<DateTimeOffset> WaitPendingAsync(HttpClient api, long revision)
    {
        (long Revision, DateTimeOffset Deadline)? pending = null;
        Assert.True(await Eventually.TrueAsync(async () => (pending = await PendingAsync(api))?.Revision == revision, TimeSpan.FromSeconds(20)),
            $"revision {revision} never showed as pending; status: {(await api.StatusAsync()).ToJsonString()}");
        return pending!.Value.Deadline;
    }

    /// <summary>
    /// Waits for the revert to reach the database: nothing pending, a new desired revision after
    /// <paramref name="reverted"/>, and the agent has applied it.
    /// </summary>
    public static async Task WaitRevertStoredAsync(HttpClient api, long reverted, TimeSpan timeout)
    {
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            var status = await api.StatusAsync();
            return status["pendingConfirmation"] is null
                && status["agentConnected"]!.GetValue<bool>()
                && status["desiredRevision"]!.GetValue<long>() > reverted
                && status["appliedRevision"]!.GetValue<long>() == status["desiredRevision"]!.GetValue<long>();
        }, timeout), $"the revert of revision {reverted} was not stored and applied; status: {(await api.StatusAsync()).ToJsonString()}");
    }

    /// <summary>Waits (without asserting anything about time) until the wall clock is past <paramref name="deadline"/> plus a margin.</summary>
    public static async Task SleepPastAsync(DateTimeOffset deadline, TimeSpan margin)
    {
        var left = deadline + margin - DateTimeOffset.UtcNow;
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left);
        }
    }

    public static async Task<string> AgentLogAsync(Lab.Lab lab)
    {
        var path = Path.Combine(lab.ArtifactsDir, "agent.log");
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    public static string RevertLine(long revision, int seconds, long restored) =>
        $"revision {revision} was not confirmed within {seconds} s: restored revision {restored}";

}
