using System.Text.Json.Nodes;

namespace Gateway.Tests.E2e.Lab;

/// <summary>IPv6 pinholes and the network's <c>lanIpv6</c> over REST, each write waiting for the agent's apply.</summary>
public static class PinholeApi
{
    public const string Pinholes = "/api/v1/pinholes";

    /// <summary>Sets <c>network.lanIpv6</c> (null = IPv6 off, "auto", or a static "addr/64") and waits for the apply.</summary>
    public static Task SetLanIpv6Async(this HttpClient api, Lab lab, string? lanIpv6) =>
        api.UpdateNetworkAsync(lab, network => network["lanIpv6"] = lanIpv6);

    /// <summary>POSTs a pinhole, waits for the apply, returns its id.</summary>
    public static async Task<int> CreatePinholeAsync(this HttpClient api, Lab lab, object body)
    {
        var created = await api.PostJsonAsync(Pinholes, body)
            ?? throw new InvalidDataException("POST pinholes returned no body.");
        await lab.WaitAppliedAsync(api);
        return created["id"]!.GetValue<int>();
    }

    /// <summary>Deletes every pinhole, so each test starts from none.</summary>
    public static async Task DeleteAllPinholesAsync(this HttpClient api, Lab lab)
    {
        foreach (var pinhole in await api.GetJsonArrayAsync(Pinholes))
        {
            await api.DeleteAsync($"{Pinholes}/{pinhole!["id"]!.GetValue<int>()}");
        }

        await lab.WaitAppliedAsync(api);
    }

    /// <summary>The pinhole's live connection count in the latest conntrack sample (0 when it is not listed).</summary>
    public static async Task<long> PinholeConnectionsAsync(this HttpClient api, int id)
    {
        var sample = await api.GetJsonAsync("/api/v1/conntrack");
        var entry = (sample["pinholes"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(p => p["id"]?.GetValue<int>() == id);
        return entry?["connections"]?.GetValue<long>() ?? 0;
    }

    /// <summary>(desiredRevision, appliedRevision) as GET /status reports them.</summary>
    public static async Task<(long Desired, long Applied)> RevisionsAsync(this HttpClient api)
    {
        var status = await api.StatusAsync();
        return (status["desiredRevision"]!.GetValue<long>(), status["appliedRevision"]!.GetValue<long>());
    }
}
