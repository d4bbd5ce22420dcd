using Gateway.Agent.Routing;
using Gateway.Shared.Config;
using Microsoft.Extensions.Logging;

namespace Gateway.Agent.Nft;

/// <summary>What <see cref="PinholeSync"/> asks of the kernel, so its decisions are tested without root.</summary>
public interface IPinholeKernel
{
    /// <summary>The IPv6 neighbour table (every link, every state).</summary>
    IReadOnlyList<KernelNeighbour> Ipv6Neighbours();

    /// <summary>Runs one libnftables script as one transaction.</summary>
    NftResult Run(string script);
}

/// <summary>The real one: an rtnetlink neighbour dump and libnftables.</summary>
public sealed class PinholeKernel : IPinholeKernel
{
    private readonly RoutingKernel _routing = new();

    public IReadOnlyList<KernelNeighbour> Ipv6Neighbours() => _routing.Ipv6Neighbours();

    public NftResult Run(string script) => NftApplier.Run(script);
}

/// <summary>
/// Keeps the <c>ph_mac_&lt;id&gt;</c> sets equal to <see cref="PinholeSets.Wanted"/> without re-applying the table.
/// Remembers what it last wrote, so a neighbour event that changes nothing costs one neighbour dump and no nft
/// call; a full pass (after every rebuild of the table, which creates the sets empty, and periodically) rewrites every set.
/// Callers serialise calls (<see cref="RulesetManager"/>'s gate, so a write never races an apply).
/// </summary>
public sealed partial class PinholeSync(IPinholeKernel kernel, ILogger<PinholeSync> logger)
{
    private IReadOnlyDictionary<int, IReadOnlyList<string>>? _written;
    private string? _lastFailure;

    /// <summary>The sets were rebuilt (apply) or are gone (lockdown): what was written no longer holds.</summary>
    public void Forget() => _written = null;

    /// <summary>
    /// One pass for <paramref name="config"/> (null: nothing to keep). <paramref name="full"/> rewrites every set;
    /// otherwise only those whose content changed. Returns the sets written ("ph_mac_7: a, b" each).
    /// </summary>
    public IReadOnlyList<string> Sync(GatewayConfig? config, bool full)
    {
        if (full)
        {
            _written = null;
        }

        if (config is null || !config.Network.Ipv6Enabled || !config.Pinholes.Any(p => p.Enabled && p.Mac is not null))
        {
            _written = new Dictionary<int, IReadOnlyList<string>>();
            return [];
        }

        IReadOnlyDictionary<int, IReadOnlyList<string>> wanted;
        try
        {
            wanted = PinholeSets.Wanted(config, kernel.Ipv6Neighbours());
        }
        catch (Exception ex) when (ex is RoutingException or InvalidDataException)
        {
            Fail($"reading the IPv6 neighbour table: {ex.Message}");
            return [];
        }

        var changed = PinholeSets.Changed(wanted, _written);
        if (changed.Count == 0)
        {
            return [];
        }

        var result = kernel.Run(PinholeSets.Script(changed));
        if (!result.Ok)
        {
            // Rewritten in full next time: what the kernel holds is unknown now.
            _written = null;
            Fail($"updating the MAC pinhole sets: {result.Error}");
            return [];
        }

        _written = wanted;
        _lastFailure = null;
        var lines = changed.OrderBy(c => c.Key)
            .Select(c => $"{RulesetCompiler.PinholeMacSetName(c.Key)}: {(c.Value.Count == 0 ? "(empty)" : string.Join(", ", c.Value))}")
            .ToList();
        foreach (var line in lines)
        {
            LogSet(line);
        }

        return lines;
    }

    private void Fail(string failure)
    {
        if (failure != _lastFailure)
        {
            LogFailed(failure);
            _lastFailure = failure;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pinhole set {Set}")]
    private partial void LogSet(string set);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pinholes: {Failure}")]
    private partial void LogFailed(string failure);
}
