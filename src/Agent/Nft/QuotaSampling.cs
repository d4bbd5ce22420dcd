using System.Globalization;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;

namespace Gateway.Agent.Nft;

/// <summary>
/// The rule quotas' used bytes: read from the kernel, remembered, and carried into every rebuilt table so an apply
/// never refills a quota. Unlike the hit counters they may go down, but only through <see cref="Reset"/>. Not
/// thread-safe: the apply gate serialises every call.
/// </summary>
public sealed class QuotaSampling(IRulesetKernel kernel)
{
    private readonly Dictionary<int, long> _used = [];

    /// <summary>The rules of <paramref name="config"/> that carry a quota (disabled ones too: their objects exist).</summary>
    public static List<int> Ids(GatewayConfig? config) =>
        config is null ? [] : [.. config.Rules.Where(r => r.Id > 0 && r.Quota is not null).Select(r => r.Id).Distinct()];

    /// <summary>The quotas of the table of <paramref name="applied"/> now.</summary>
    public List<QuotaUse> Sample(GatewayConfig? applied)
    {
        var ids = Ids(applied);
        var readings = ids.Count == 0 ? new Dictionary<int, long>() : kernel.ReadQuotas();
        Forget(ids);
        var sample = new List<QuotaUse>(ids.Count);
        foreach (var id in ids)
        {
            // A missing reading (a failed dump) keeps the last value; a present one is the kernel's truth.
            var used = readings.TryGetValue(id, out var reading) ? reading : _used.GetValueOrDefault(id);
            _used[id] = used;
            sample.Add(new QuotaUse(id, used));
        }

        return sample;
    }

    /// <summary>
    /// The used bytes a rebuilt table's quotas start from: the larger of the kernel's reading (when
    /// <paramref name="trusted"/>) and the last known value, so a replace between two samples refills nothing.
    /// </summary>
    public IReadOnlyDictionary<int, long> CarryOver(List<int> ids, bool trusted)
    {
        var readings = trusted && ids.Count > 0 ? kernel.ReadQuotas() : new Dictionary<int, long>();
        var carried = new Dictionary<int, long>();
        foreach (var id in ids)
        {
            var used = Math.Max(readings.GetValueOrDefault(id), _used.GetValueOrDefault(id));
            if (used > 0)
            {
                carried[id] = used;
            }
        }

        return carried;
    }

    /// <summary>A rebuilt table is in: its quotas start from the carried values; quotas no longer declared are forgotten.</summary>
    public void Started(List<int> ids, IReadOnlyDictionary<int, long> carried)
    {
        Forget(ids);
        foreach (var id in ids)
        {
            _used[id] = carried.GetValueOrDefault(id);
        }
    }

    /// <summary>Starts rule <paramref name="id"/>'s quota again in the kernel, and here once the kernel did.</summary>
    public NftResult Reset(int id)
    {
        var result = kernel.ResetQuota(id);
        if (result.Ok)
        {
            _used[id] = 0;
        }

        return result;
    }

    /// <summary>The <c>quota_&lt;id&gt;</c> objects among a table's quotas, as used bytes by rule id.</summary>
    public static IReadOnlyDictionary<int, long> FromNamed(IEnumerable<NamedCounter> quotas)
    {
        ArgumentNullException.ThrowIfNull(quotas);
        var used = new Dictionary<int, long>();
        foreach (var quota in quotas)
        {
            if (quota.Name.StartsWith("quota_", StringComparison.Ordinal)
                && int.TryParse(quota.Name.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0)
            {
                used[id] = quota.Packets;
            }
        }

        return used;
    }

    private void Forget(List<int> ids)
    {
        var keep = ids.ToHashSet();
        foreach (var gone in _used.Keys.Where(id => !keep.Contains(id)).ToList())
        {
            _used.Remove(gone);
        }
    }
}
