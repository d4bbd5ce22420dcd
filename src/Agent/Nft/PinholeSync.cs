using System.Net;
using Gateway.Agent.Netlink;
using Gateway.Agent.Conntrack;
using Gateway.Agent.Routing;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Microsoft.Extensions.Logging;

namespace Gateway.Agent.Nft;

/// <summary>What <see cref="PinholeSync"/> asks of the kernel, so its decisions are tested without root.</summary>
public interface IPinholeKernel
{
    /// <summary>The IPv6 neighbour table (every link, every state).</summary>
    IReadOnlyList<KernelNeighbour> Ipv6Neighbours();

    /// <summary>Runs one libnftables script as one transaction.</summary>
    NftResult Run(string script);

    /// <summary>Deletes the conntrack entries with ct mark <paramref name="mark"/> whose original destination is <paramref name="address"/>.</summary>
    /// <exception cref="Netlink.NetlinkException">The conntrack request failed.</exception>
    void DeleteConnections(uint mark, string address);
}

/// <summary>The real one: an rtnetlink neighbour dump and libnftables.</summary>
public sealed class PinholeKernel : IPinholeKernel
{
    private readonly RoutingKernel _routing = new();

    public IReadOnlyList<KernelNeighbour> Ipv6Neighbours() => _routing.Ipv6Neighbours();

    public NftResult Run(string script) => NftApplier.Run(script);

    public void DeleteConnections(uint mark, string address)
    {
        using var conntrack = new ConntrackClient();
        conntrack.DeleteByMarkAndDestination(mark, IPAddress.Parse(address));
    }
}

/// <summary>
/// Keeps the <c>ph_mac_&lt;id&gt;</c> sets equal to <see cref="PinholeSets.Wanted"/> without re-applying the table.
/// Remembers what it last wrote, so a neighbour event that changes nothing costs one neighbour dump and no nft
/// call; a full pass (after every rebuild of the table, which creates the sets empty, and periodically) rewrites every set.
/// An address that leaves a pinhole's set takes the connections that pinhole admitted to it along (by the pinhole's
/// ct mark and the address): the set only decides new connections, and an address claimed for a moment by another
/// host's MAC must not keep what was let in meanwhile. Callers serialise calls (<see cref="RulesetManager"/>'s gate,
/// so a write never races an apply).
/// </summary>
public sealed partial class PinholeSync(IPinholeKernel kernel, ILogger<PinholeSync> logger)
{
    private IReadOnlyDictionary<int, IReadOnlyList<string>>? _written;

    // What the sets last held for certain, kept across Forget and full passes: what an address left.
    private IReadOnlyDictionary<int, IReadOnlyList<string>> _admitted = new Dictionary<int, IReadOnlyList<string>>();
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
        CutLeavers(wanted);
        var lines = changed.OrderBy(c => c.Key)
            .Select(c => $"{RulesetCompiler.PinholeMacSetName(c.Key)}: {(c.Value.Count == 0 ? "(empty)" : string.Join(", ", c.Value))}")
            .ToList();
        foreach (var line in lines)
        {
            LogSet(line);
        }

        return lines;
    }

    /// <summary>
    /// Cuts each pinhole's connections to the addresses that left its set. A pinhole that is gone or disabled is
    /// not handled here: the apply that removed it retired its whole mark (<see cref="RulesetManager"/>).
    /// </summary>
    private void CutLeavers(IReadOnlyDictionary<int, IReadOnlyList<string>> wanted)
    {
        var before = _admitted;
        _admitted = wanted;
        foreach (var (id, addresses) in wanted)
        {
            if (!before.TryGetValue(id, out var old))
            {
                continue;
            }

            foreach (var address in old.Except(addresses, StringComparer.Ordinal))
            {
                try
                {
                    kernel.DeleteConnections(CtMarks.Pinhole(id), address);
                    LogCut(id, address);
                }
                catch (NetlinkException ex)
                {
                    Fail($"cutting the connections of pinhole {id} to {address}: {ex.Message}");
                }
            }
        }
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Pinhole {Id}: {Address} left its MAC's addresses; its connections there were cut")]
    private partial void LogCut(int id, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pinholes: {Failure}")]
    private partial void LogFailed(string failure);
}
