using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Gateway.Shared.Validation;

namespace Gateway.Agent.Routing;

/// <summary>The LAN's IPv4 address on the LAN link (<c>network.lanAddress</c>, or the first-boot address before setup).</summary>
public sealed partial class RoutingReconciler
{
    /// <summary>
    /// The LAN address to hold: the config's <c>network.lanAddress</c> on its LAN link, else (nothing applied yet)
    /// the first-boot one; null when neither is set or the text is not <c>a.b.c.d/len</c>.
    /// </summary>
    public static AddedAddress? WantedLanAddress(GatewayConfig? config, FirstBootLan? firstBoot)
    {
        var (link, text) = config is not null
            ? (config.Network.LanInterface, config.Network.LanAddress)
            : firstBoot is not null ? (firstBoot.Interface, firstBoot.Address) : (null, null);
        if (link is null || text is null || !Ipv4Cidr.TryParse(text, allowBareAddress: false, out var cidr)
            || !FieldRules.IsLinkName(link))
        {
            return null;
        }

        return new AddedAddress(link, Ipv4.Format(cidr.Address), cidr.PrefixLength, Lan: true);
    }

    /// <summary>
    /// Adds the wanted LAN address when the link lacks it (recording it first), then removes every LAN address the
    /// agent added that is no longer wanted. An address already on the link that the agent did not add is the owner's:
    /// not recorded, so never removed. Adding before removing keeps the router reachable on a move within one subnet.
    /// </summary>
    private void ReconcileLanAddress(AddedAddress? want, IReadOnlyList<KernelLink> links, List<string> changes, List<string> failures)
    {
        var added = _added ??= LoadAdded(failures);
        var records = added.Where(a => a.IsLanIpv4).ToList();
        if (records.Count == 0 && want is null)
        {
            return;
        }

        var present = kernel.Addresses();
        // Wanted: the address on the link at any length. Removed: exactly what the agent added.
        bool On(AddedAddress a) => present.Any(p => p.Link == a.Link && p.Address == a.Address && p.PrefixLength == a.PrefixLength);
        if (want is not null)
        {
            if (links.All(l => l.Name != want.Link))
            {
                failures.Add($"the LAN link {want.Link} does not exist: {want.Address}/{want.PrefixLength} waits for it");
            }
            else if (!present.Any(p => p.Link == want.Link && p.Address == want.Address))
            {
                var ours = added.Contains(want);
                if (!ours)
                {
                    added.Add(want);
                    Publish(added);
                }

                try
                {
                    kernel.AddIpv4Address(want.Link, want.Address, want.PrefixLength);
                    changes.Add($"added address {want.Address}/{want.PrefixLength} to {want.Link}");
                }
                catch (RoutingException ex)
                {
                    added.Remove(want);
                    Publish(added);
                    failures.Add($"adding {want.Address}/{want.PrefixLength} to {want.Link}: {ex.Message}");
                }
            }
        }

        foreach (var record in records.Where(r => r != want))
        {
            if (On(record))
            {
                kernel.RemoveIpv4Address(record.Link, record.Address, record.PrefixLength);
                changes.Add($"removed address {record.Address}/{record.PrefixLength} from {record.Link}");
            }

            added.Remove(record);
            Publish(added);
        }
    }
}
