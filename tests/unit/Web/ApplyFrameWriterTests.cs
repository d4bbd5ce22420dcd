using System.Buffers.Binary;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Gateway.Web.State;
using Gateway.Web.AgentLink;

namespace Gateway.Tests.Unit.Web;

/// <summary>
/// The apply frame written with cached item JSON is the frame the generic serialiser would send, whatever changed
/// between revisions: a stale item here would send the agent a config the database no longer holds.
/// </summary>
public sealed class ApplyFrameWriterTests
{
    private readonly ApplyFrameWriter _writer = new();

    private static PortForward Forward(int id, string name = "web", int port = 8080, bool enabled = true) =>
        new(id, name, enabled, ForwardProtocol.Tcp, port, null, "192.168.1.20", 80, null, LogLevel: FirewallLogLevel.Info);

    private static MacFilter Mac(int id, string name = "phone") => new(id, $"02:00:00:00:00:{id:x2}", name);

    private static TrafficRule Rule(int id, RuleAction action = RuleAction.Drop) =>
        new(id, $"rule \"{id}\" <é>", true, RuleChain.Forward, RuleFamily.Any, "br-lan", null, RuleProtocol.Tcp, null, null, 443, null, null, action, null, null, new RuleLimit(10, 5));

    private static GatewayConfig Config(IReadOnlyList<PortForward> forwards, IReadOnlyList<MacFilter> macs, IReadOnlyList<TrafficRule>? rules = null) => new(
        new NetworkSettings("wan0", "br-lan", "192.168.1.1/24"),
        forwards,
        macs,
        new MacPolicy(MacFilterMode.DenyListed),
        LoggingPolicy.Default)
    {
        Rules = rules ?? [Rule(1), Rule(2, RuleAction.Accept)],
    };

    /// <summary>The frame body must be byte for byte what <see cref="AgentProtocol.Serialize(AgentRequest)"/> gives, after a correct header.</summary>
    private void AssertSameAsGeneric(ApplyRequest request)
    {
        using var frame = _writer.Write(request);
        var bytes = frame.Memory.ToArray();
        var expected = AgentProtocol.Serialize(request);
        Assert.Equal(expected.Length, BinaryPrimitives.ReadInt32BigEndian(bytes));
        Assert.Equal(System.Text.Encoding.UTF8.GetString(expected), System.Text.Encoding.UTF8.GetString(bytes, 4, bytes.Length - 4));
        var parsed = Assert.IsType<ApplyRequest>(AgentProtocol.DeserializeRequest(bytes.AsSpan(4)));
        Assert.Equal(request.Revision, parsed.Revision);
        Assert.Equal(request.Config.PortForwards, parsed.Config.PortForwards);
        Assert.Equal(request.Config.MacFilters, parsed.Config.MacFilters);
    }

    [Fact]
    public void A_first_frame_equals_the_generic_serialisation_with_and_without_a_confirm_window()
    {
        var config = Config([Forward(1), Forward(2, "ssh", 22)], [Mac(1), Mac(2)]);
        AssertSameAsGeneric(new ApplyRequest(7, config) { Id = 3 });
        AssertSameAsGeneric(new ApplyRequest(8, config, ConfirmSeconds: 60) { Id = 4 });
    }

    [Fact]
    public void Edits_deletes_additions_and_a_restore_all_reach_the_frame()
    {
        var forwards = new List<PortForward> { Forward(1), Forward(2, "ssh", 22), Forward(3, "dns", 53) };
        var macs = new List<MacFilter> { Mac(1), Mac(2) };
        AssertSameAsGeneric(new ApplyRequest(1, Config(forwards.ToList(), macs.ToList())));

        // Edit: a new record for the same id (as the cache holds after a write); the old one stays cached.
        forwards[1] = forwards[1] with { Enabled = false, Name = "ssh off" };
        AssertSameAsGeneric(new ApplyRequest(2, Config(forwards.ToList(), macs.ToList())));
        Assert.Equal(4, _writer.LastReused); // forwards 1 and 3, both MACs; the rules are new instances here

        // Delete, then add.
        forwards.RemoveAt(0);
        macs.Add(Mac(3, "tv"));
        AssertSameAsGeneric(new ApplyRequest(3, Config(forwards.ToList(), macs.ToList())));

        // Restore: the first state back, as new instances equal to the first ones.
        AssertSameAsGeneric(new ApplyRequest(4, Config([Forward(1), Forward(2, "ssh", 22), Forward(3, "dns", 53)], [Mac(1), Mac(2)])));

        // And an empty state.
        AssertSameAsGeneric(new ApplyRequest(5, Config([], [], [])));
    }

    [Fact]
    public void An_item_edited_back_and_forth_is_never_served_from_another_instance()
    {
        var on = Forward(1);
        var off = on with { Enabled = false };
        foreach (var (revision, forward) in new[] { (1L, on), (2L, off), (3L, on), (4L, off) })
        {
            AssertSameAsGeneric(new ApplyRequest(revision, Config([forward], [])));
        }
    }

    [Fact]
    public void A_frame_over_the_limit_is_refused()
    {
        var name = new string('€', 64);
        var forwards = Enumerable.Range(1, (Framing.MaxFrameBytes / (64 * 6)) + 1000).Select(i => Forward(i, name, 1000 + (i % 60000))).ToList();
        Assert.Throws<InvalidDataException>(() => _writer.Write(new ApplyRequest(1, Config(forwards, []))));
    }

    [Fact]
    public void A_list_read_again_keeps_the_unchanged_instances_and_only_those_and_the_frame_follows_every_change()
    {
        List<PortForward> first = [Forward(1), Forward(2, "ssh", 22), Forward(3, "dns", 53)];
        AssertSameAsGeneric(new ApplyRequest(1, Config(first, [])));

        // Read again after forward 2 was edited and forward 3 deleted and forward 4 added: fresh records throughout.
        var again = (List<PortForward>)DesiredStateCache.ReuseUnchanged(
            new List<PortForward> { Forward(1), Forward(2, "ssh", 2222), Forward(4, "new", 4444) }, first)!;

        Assert.Same(first[0], again[0]);
        Assert.NotSame(first[1], again[1]);
        Assert.Equal(2222, again[1].ExternalPort);
        Assert.Equal(4, again[2].Id);
        AssertSameAsGeneric(new ApplyRequest(2, Config(again, [])));
        Assert.Equal(1, _writer.LastReused); // forward 1 only (Config() makes new rule instances)
    }
}
