using System.Text.Json.Nodes;

namespace Gateway.Tests.E2e.Lab;

/// <summary>Writes through the REST API that wait until the agent applied them, as a script would.</summary>
public static class GatewayApi
{
    public const string PortForwards = "/api/v1/port-forwards";
    public const string MacFilters = "/api/v1/mac-filters";

    /// <summary>POSTs a port forward, waits for the apply, returns its id.</summary>
    public static async Task<int> CreateForwardAsync(this HttpClient api, Lab lab, object body)
    {
        var created = await api.PostJsonAsync(PortForwards, body)
            ?? throw new InvalidDataException("POST port-forwards returned no body.");
        await lab.WaitAppliedAsync(api);
        return created["id"]!.GetValue<int>();
    }

    /// <summary>GETs the forward, lets <paramref name="change"/> edit it, PUTs it back and waits for the apply.</summary>
    public static async Task<JsonObject> UpdateForwardAsync(this HttpClient api, Lab lab, int id, Action<JsonObject> change)
    {
        var forward = await api.GetJsonAsync($"{PortForwards}/{id}");
        forward.Remove("id");
        change(forward);
        var updated = await api.PutJsonAsync($"{PortForwards}/{id}", forward)
            ?? throw new InvalidDataException("PUT port-forwards returned no body.");
        await lab.WaitAppliedAsync(api);
        return updated;
    }

    public static async Task DeleteForwardAsync(this HttpClient api, Lab lab, int id)
    {
        await api.DeleteAsync($"{PortForwards}/{id}");
        await lab.WaitAppliedAsync(api);
    }

    /// <summary>PUTs the network settings with <paramref name="change"/> applied and waits for the apply.</summary>
    public static async Task UpdateNetworkAsync(this HttpClient api, Lab lab, Action<JsonObject> change)
    {
        var network = await api.GetJsonAsync("/api/v1/network");
        change(network);
        await api.PutJsonAsync("/api/v1/network", network);
        await lab.WaitAppliedAsync(api);
    }

    public static async Task SetMacPolicyAsync(this HttpClient api, Lab lab, string mode)
    {
        await api.PutJsonAsync($"{MacFilters}/policy", new { mode });
        await lab.WaitAppliedAsync(api);
    }

    public static async Task<int> CreateMacFilterAsync(this HttpClient api, Lab lab, object body)
    {
        var created = await api.PostJsonAsync(MacFilters, body)
            ?? throw new InvalidDataException("POST mac-filters returned no body.");
        await lab.WaitAppliedAsync(api);
        return created["id"]!.GetValue<int>();
    }

    /// <summary>Deletes every MAC filter and turns the policy off, so each MAC test starts from nothing.</summary>
    public static async Task ResetMacFilteringAsync(this HttpClient api, Lab lab)
    {
        await api.PutJsonAsync($"{MacFilters}/policy", new { mode = "off" });
        foreach (var filter in await api.GetJsonArrayAsync(MacFilters))
        {
            await api.DeleteAsync($"{MacFilters}/{filter!["id"]!.GetValue<int>()}");
        }

        await lab.WaitAppliedAsync(api);
    }

    public static async Task SetLoggingAsync(this HttpClient api, Lab lab, object policy)
    {
        await api.PutJsonAsync("/api/v1/logging", policy);
        await lab.WaitAppliedAsync(api);
    }

    public static async Task<JsonObject> StatusAsync(this HttpClient api) => await api.GetJsonAsync("/api/v1/status");

    /// <summary>The router's tables as the kernel lists them ("table inet gateway", ...), one per line.</summary>
    public static async Task<IReadOnlyList<string>> RouterTablesAsync(this Lab lab)
    {
        var result = await lab.ExecAsync(lab.RouterNs, "nft list tables");
        Assert.True(result.Succeeded, $"nft list tables: {result}");
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
