using System.Text.Json;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;

namespace Gateway.Tests.Unit.Shared;

/// <summary>The two ends of <c>apply-delta</c>: the web's <see cref="ConfigDelta.OneChange"/> and the agent's <see cref="ConfigDelta.Apply"/>.</summary>
public sealed class ConfigDeltaTests
{
    private static PortForward Forward(int id, int port) => new(id, $"fwd {id}", true, ForwardProtocol.Tcp, port, null, "192.168.1.20", null, null);

    private static TrafficRule Rule(int id) =>
        new(id, $"rule {id}", true, RuleChain.Forward, RuleFamily.Any, "br-lan", null, RuleProtocol.Tcp, null, null, 443, null, null, RuleAction.Drop, null, null, null);

    private static GatewayConfig Config(PortForward[] forwards, params TrafficRule[] rules) => new(
        new NetworkSettings("wan0", "br-lan", "192.168.1.1/24"), forwards, [], new MacPolicy(MacFilterMode.Off), LoggingPolicy.Default)
    { Rules = rules };

    private static string Json(GatewayConfig config) => JsonSerializer.Serialize(config, AgentJsonContext.Default.GatewayConfig);

    /// <summary>What the agent makes of the change after it crossed the socket.</summary>
    private static GatewayConfig ApplyOverWire(GatewayConfig held, ListChange change)
    {
        var request = (ApplyDeltaRequest)AgentProtocol.DeserializeRequest(AgentProtocol.Serialize(new ApplyDeltaRequest(2, 1, "d", [change])));
        var result = ConfigDelta.Apply(held, request.Changes, out var error);
        Assert.Null(error);
        return result!;
    }

    [Fact]
    public void Every_list_of_the_config_is_a_delta_list()
    {
        var lists = AgentJsonContext.Default.GatewayConfig.Properties
            .Where(p => p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
            .Select(p => p.Name).Order(StringComparer.Ordinal);

        Assert.Equal(lists, ConfigLists.All.Select(l => l.Key).Order(StringComparer.Ordinal));
    }

    public static TheoryData<string, GatewayConfig, GatewayConfig, string> OneItemEdits => new()
    {
        { "update keeps its place", Config([Forward(1, 80), Forward(2, 81), Forward(3, 82)]), Config([Forward(1, 80), Forward(2, 90), Forward(3, 82)]), "put" },
        { "new item last", Config([Forward(1, 80), Forward(2, 81)]), Config([Forward(1, 80), Forward(2, 81), Forward(5, 85)]), "put" },
        { "new item into a gap of ids", Config([Forward(1, 80), Forward(4, 81)]), Config([Forward(1, 80), Forward(2, 82), Forward(4, 81)]), "put" },
        { "first item", Config([]), Config([Forward(1, 80)]), "put" },
        { "delete in the middle", Config([Forward(1, 80), Forward(2, 81), Forward(3, 82)]), Config([Forward(1, 80), Forward(3, 82)]), "delete" },
        { "delete the last", Config([Forward(1, 80), Forward(2, 81)]), Config([Forward(1, 80)]), "delete" },
        { "a rule edited in run order", Config([], Rule(3), Rule(1), Rule(2)), Config([], Rule(3), Rule(1) with { DestinationPort = 22 }, Rule(2)), "put" },
        { "a new rule runs last", Config([], Rule(3), Rule(1)), Config([], Rule(3), Rule(1), Rule(4)), "put" },
    };

    [Theory]
    [MemberData(nameof(OneItemEdits))]
    public void A_one_item_edit_is_one_change_that_the_agent_turns_into_the_same_config(string what, GatewayConfig before, GatewayConfig after, string op)
    {
        var change = ConfigDelta.OneChange(before, after);

        Assert.NotNull(change);
        Assert.Equal(op, change.Op);
        Assert.Equal(Json(after), Json(ApplyOverWire(before, change)));
        Assert.False(string.IsNullOrEmpty(what));
    }

    public static TheoryData<string, GatewayConfig, GatewayConfig> NotOneItem => new()
    {
        { "nothing changed", Config([Forward(1, 80)]), Config([Forward(1, 80)]) },
        { "two items", Config([Forward(1, 80), Forward(2, 81)]), Config([Forward(1, 90), Forward(2, 91)]) },
        { "items of two lists", Config([Forward(1, 80)], Rule(1)), Config([Forward(1, 90)], Rule(1) with { DestinationPort = 22 }) },
        { "a setting", Config([Forward(1, 80)]), Config([Forward(1, 80)]) with { MacPolicy = new MacPolicy(MacFilterMode.DenyListed) } },
        { "an item and a setting", Config([Forward(1, 80)]), Config([Forward(1, 90)]) with { Logging = LoggingPolicy.Default with { RatePerMinute = 7 } } },
        { "rules reordered", Config([], Rule(1), Rule(2), Rule(3)), Config([], Rule(2), Rule(1), Rule(3)) },
        { "a new rule placed first", Config([], Rule(1), Rule(2)), Config([], Rule(3), Rule(1), Rule(2)) },
        { "an id replaced in place", Config([Forward(1, 80), Forward(2, 81)]), Config([Forward(1, 80), Forward(7, 81)]) },
    };

    [Theory]
    [MemberData(nameof(NotOneItem))]
    public void Anything_but_one_item_is_no_delta(string what, GatewayConfig before, GatewayConfig after)
    {
        Assert.Null(ConfigDelta.OneChange(before, after));
        Assert.False(string.IsNullOrEmpty(what));
    }

    public static TheoryData<string, string> BadChanges => new()
    {
        { """{"list":"sockets","op":"put","id":1,"item":{}}""", "changes[0].list" },
        { """{"list":"portForwards","op":"upsert","id":1}""", "changes[0].op" },
        { """{"list":"portForwards","op":"put","id":1}""", "changes[0].item" },
        { """{"list":"portForwards","op":"put","id":1,"item":{"id":"one"}}""", "changes[0].item" },
        { """{"list":"portForwards","op":"put","id":1,"item":[1]}""", "changes[0].item" },
        { """{"list":"portForwards","op":"put","id":2,"item":{"id":3,"name":"x","enabled":true,"protocol":"tcp","externalPort":80,"internalAddress":"192.168.1.2"}}""", "changes[0].item" },
        { """{"list":"portForwards","op":"delete","id":9}""", "changes[0].id" },
        { """{"list":"portForwards","op":"delete","id":1,"item":{"id":1}}""", "changes[0].item" },
        { """{"list":"portForwards","op":"delete","id":0}""", "changes[0].id" },
    };

    [Theory]
    [MemberData(nameof(BadChanges))]
    public void A_change_that_makes_no_sense_is_refused_by_field(string changeJson, string field)
    {
        var body = $$"""{"type":"apply-delta","revision":2,"base":1,"baseDigest":"d","changes":[{{changeJson}}]}""";
        var request = (ApplyDeltaRequest)AgentProtocol.DeserializeRequest(System.Text.Encoding.UTF8.GetBytes(body));

        var result = ConfigDelta.Apply(Config([Forward(1, 80)]), request.Changes, out var error);

        Assert.Null(result);
        Assert.StartsWith(field, error, StringComparison.Ordinal);
    }

    [Fact]
    public void No_changes_is_refused()
    {
        Assert.Null(ConfigDelta.Apply(Config([]), [], out var error));
        Assert.StartsWith("changes", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_delta_digest_names_base_and_changes()
    {
        var body = AgentProtocol.Serialize(new ApplyDeltaRequest(2, 1, "d", [new ListChange("portForwards", ListChange.Delete, 1)]));
        var other = AgentProtocol.Serialize(new ApplyDeltaRequest(2, 1, "d", [new ListChange("portForwards", ListChange.Delete, 2)]));

        var digest = ConfigDigest.OfDeltaFrame("base-a", body);

        Assert.Matches("^[0-9a-f]{32}$", digest);
        Assert.Equal(digest, ConfigDigest.OfDeltaFrame("base-a", body));
        Assert.NotEqual(digest, ConfigDigest.OfDeltaFrame("base-b", body));
        Assert.NotEqual(digest, ConfigDigest.OfDeltaFrame("base-a", other));
    }
}
