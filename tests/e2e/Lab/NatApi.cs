using System.Text.Json.Nodes;

namespace Gateway.Tests.E2e.Lab;

/// <summary>1:1 NAT, redirects, policy routes and helpers over REST, each write waiting for the agent's apply.</summary>
public static class NatApi
{
    public const string OneToOne = "/api/v1/one-to-one";
    public const string Redirects = "/api/v1/redirects";
    public const string PolicyRoutes = "/api/v1/policy-routes";
    public const string Helpers = "/api/v1/helpers";

    /// <summary>Every helper name the contract knows, as a forward's <c>helper</c> and in <c>helpers.outbound</c>.</summary>
    public static readonly IReadOnlyList<string> AllHelpers = ["ftp", "tftp", "irc", "sip", "h323", "pptp", "amanda", "snmp"];

    /// <summary>POSTs to <paramref name="collection"/>, waits for the apply, returns the new id.</summary>
    public static async Task<int> CreateAsync(this HttpClient api, Lab lab, string collection, object body)
    {
        var created = await api.PostJsonAsync(collection, body)
            ?? throw new InvalidDataException($"POST {collection} returned no body.");
        await lab.WaitAppliedAsync(api);
        return created["id"]!.GetValue<int>();
    }

    /// <summary>GETs the item, lets <paramref name="change"/> edit it, PUTs it back and waits for the apply.</summary>
    public static async Task UpdateAsync(this HttpClient api, Lab lab, string collection, int id, Action<JsonObject> change)
    {
        var item = await api.GetJsonAsync($"{collection}/{id}");
        item.Remove("id");
        change(item);
        await api.PutJsonAsync($"{collection}/{id}", item);
        await lab.WaitAppliedAsync(api);
    }

    public static async Task DeleteAsync(this HttpClient api, Lab lab, string collection, int id)
    {
        await api.DeleteAsync($"{collection}/{id}");
        await lab.WaitAppliedAsync(api);
    }

    public static async Task SetOutboundHelpersAsync(this HttpClient api, Lab lab, params string[] outbound)
    {
        await api.PutJsonAsync(Helpers, new { outbound });
        await lab.WaitAppliedAsync(api);
    }

    /// <summary>Runs a command in the router namespace, fails the test if it fails, returns its stdout.</summary>
    public static async Task<string> RouterAsync(this Lab lab, string command)
    {
        var result = await lab.ExecAsync(lab.RouterNs, command);
        Assert.True(result.Succeeded, $"{command}: {result}");
        return result.Stdout;
    }

    /// <summary>The router's addresses on <paramref name="link"/> as "a.b.c.d/len", one per entry.</summary>
    public static async Task<IReadOnlyList<string>> RouterAddressesAsync(this Lab lab, string link)
    {
        var text = await lab.RouterAsync($"ip -4 -o addr show dev {link}");
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(fields => fields[Array.IndexOf(fields, "inet") + 1])
            .ToList();
    }

    /// <summary>The conntrack expectations in the router namespace (<c>conntrack -L expect</c>), one per line.</summary>
    public static async Task<IReadOnlyList<string>> ExpectationsAsync(this Lab lab)
    {
        var text = await lab.RouterAsync("conntrack -L expect 2>/dev/null");
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>Conntrack entries in the router namespace matching <paramref name="filter"/> (conntrack -L options).</summary>
    public static async Task<IReadOnlyList<string>> ConntrackAsync(this Lab lab, string filter)
    {
        // conntrack exits 1 when nothing matches on some versions: the listing, not the status, is the answer.
        var result = await lab.ExecAsync(lab.RouterNs, $"conntrack -L {filter} 2>/dev/null");
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
