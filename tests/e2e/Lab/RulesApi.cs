using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Gateway.Tests.E2e.Lab;

/// <summary>Traffic rules and protection over REST, each write waiting for the agent's apply as a script would.</summary>
public static class RulesApi
{
    public const string Rules = "/api/v1/rules";
    public const string Protection = "/api/v1/protection";

    /// <summary>POSTs a rule (it goes last), waits for the apply, returns its id.</summary>
    public static async Task<int> CreateRuleAsync(this HttpClient api, Lab lab, object body)
    {
        var created = await api.PostJsonAsync(Rules, body)
            ?? throw new InvalidDataException("POST rules returned no body.");
        await lab.WaitAppliedAsync(api);
        return created["id"]!.GetValue<int>();
    }

    public static async Task DeleteRuleAsync(this HttpClient api, Lab lab, int id)
    {
        await api.DeleteAsync($"{Rules}/{id}");
        await lab.WaitAppliedAsync(api);
    }

    /// <summary>Deletes every rule, so each test starts from the built-in defaults.</summary>
    public static async Task DeleteAllRulesAsync(this HttpClient api, Lab lab)
    {
        foreach (var rule in await api.GetJsonArrayAsync(Rules))
        {
            await api.DeleteAsync($"{Rules}/{rule!["id"]!.GetValue<int>()}");
        }

        await lab.WaitAppliedAsync(api);
    }

    public static async Task SetRuleOrderAsync(this HttpClient api, Lab lab, params int[] ids)
    {
        await api.PutJsonAsync($"{Rules}/order", new { ids });
        await lab.WaitAppliedAsync(api);
    }

    /// <summary>The rule ids as GET /rules lists them (the order they run in).</summary>
    public static async Task<IReadOnlyList<int>> RuleOrderAsync(this HttpClient api) =>
        (await api.GetJsonArrayAsync(Rules)).Select(rule => rule!["id"]!.GetValue<int>()).ToList();

    /// <summary>The rule's <c>hits.packets</c> as GET /rules reports it now.</summary>
    public static async Task<long> HitsAsync(this HttpClient api, int id)
    {
        var rule = (await api.GetJsonArrayAsync(Rules)).OfType<JsonObject>()
            .Single(r => r["id"]!.GetValue<int>() == id);
        return rule["hits"]!["packets"]!.GetValue<long>();
    }

    /// <summary>Polls hits (sampled every few seconds) until they reach <paramref name="atLeast"/>; returns the last value.</summary>
    public static async Task<long> WaitForHitsAsync(this HttpClient api, int id, long atLeast, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(12);
        var clock = Stopwatch.StartNew();
        long hits;
        while ((hits = await api.HitsAsync(id)) < atLeast && clock.Elapsed < limit)
        {
            await Task.Delay(250);
        }

        return hits;
    }

    /// <summary>Protection.Default as the contract states it, with <paramref name="change"/> applied.</summary>
    public static JsonObject DefaultProtection(Action<JsonObject>? change = null)
    {
        var protection = new JsonObject
        {
            ["wanInput"] = "drop",
            ["wanPing"] = false,
            ["synFlood"] = new JsonObject { ["enabled"] = true, ["ratePerSecond"] = 25, ["burst"] = 50, ["perSource"] = true },
            ["icmpLimit"] = new JsonObject { ["ratePerSecond"] = 10, ["burst"] = 20 },
            ["dropInvalid"] = true,
            ["antiSpoofing"] = true,
            ["portScan"] = new JsonObject { ["enabled"] = false, ["ports"] = 10, ["withinSeconds"] = 10, ["blockSeconds"] = 600 },
        };
        change?.Invoke(protection);
        return protection;
    }

    public static async Task SetProtectionAsync(this HttpClient api, Lab lab, JsonObject protection)
    {
        await api.PutJsonAsync(Protection, protection);
        await lab.WaitAppliedAsync(api);
    }
}
