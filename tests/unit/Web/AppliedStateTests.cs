using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Gateway.Web.State;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Gateway.Web.AgentLink;

namespace Gateway.Tests.Unit.Web;

/// <summary>What the web believes is in the kernel, from the agent's hello and applied frames alone.</summary>
public sealed class AppliedStateTests
{
    internal static readonly GatewayConfig Config = new(
        new NetworkSettings("wan0", "br-lan", "192.168.1.1/24"), [], [], new MacPolicy(MacFilterMode.Off), LoggingPolicy.Default);

    private readonly AppliedState _state = new(
        new AgentChannel(Options.Create(new AgentLinkOptions()), TimeProvider.System, NullLogger<AgentChannel>.Instance),
        TimeProvider.System,
        NullLogger<AppliedState>.Instance);

    private static HelloReply Hello(long revision, string? digest, bool echoIds = true) =>
        new(AgentProtocol.Version, "test", revision, ConfigDigest: digest) { ReplyTo = echoIds ? 1 : null };

    private static AppliedEvent Own(long revision, string digest) => new(revision, true, null, 2, digest) { ReplyTo = 100 + revision };

    private static AppliedEvent Foreign(long revision, string digest) => new(revision, true, null, 2, digest);

    [Fact]
    public void Another_clients_apply_under_the_webs_revision_is_not_applied_until_the_webs_own_state_is_back()
    {
        var foreignSeen = 0;
        _state.ForeignApplied += () => foreignSeen++;
        _state.Observe(Hello(0, null));
        _state.Observe(Own(5, "ours"));
        Assert.Equal(5, _state.AppliedRevision);

        _state.Observe(Foreign(5, "theirs"));

        Assert.Equal(0, _state.AppliedRevision);
        Assert.Equal(1, _state.ForeignApplies);
        Assert.Equal(1, foreignSeen);
        Assert.Contains("Another client", _state.LastApplyError, StringComparison.Ordinal);

        _state.Observe(Own(5, "ours"));
        Assert.Equal(5, _state.AppliedRevision);
        Assert.Null(_state.LastApplyError);
    }

    [Fact]
    public void A_delta_the_agent_did_not_try_is_no_apply_and_no_error()
    {
        var applies = 0;
        _state.Applied += _ => applies++;
        _state.Observe(Hello(0, null));
        _state.Observe(Own(5, "ours"));

        _state.Observe(new AppliedEvent(6, false, "The agent holds revision 4, not the base 5 of this delta: send the whole config.", 0, Resync: true) { ReplyTo = 106 });

        Assert.Equal(5, _state.AppliedRevision);
        Assert.Null(_state.LastApplyError);
        Assert.Equal(1, applies);
    }

    [Fact]
    public void Another_clients_apply_of_the_very_same_state_changes_nothing()
    {
        _state.Observe(Hello(0, null));
        _state.Observe(Own(5, "ours"));

        _state.Observe(Foreign(5, "ours"));

        Assert.Equal(5, _state.AppliedRevision);
        Assert.Equal(0, _state.ForeignApplies);
        Assert.Null(_state.LastApplyError);
    }

    [Fact]
    public void A_hello_reporting_another_state_than_the_webs_last_apply_is_not_applied()
    {
        _state.Observe(Hello(0, null));
        _state.Observe(Own(5, "ours"));

        _state.Observe(Hello(5, "theirs")); // e.g. the agent restarted with another client's state

        Assert.Equal(0, _state.AppliedRevision);
        _state.Observe(Hello(5, "ours"));
        Assert.Equal(5, _state.AppliedRevision);
    }

    [Fact]
    public void Before_the_web_applied_anything_the_agents_hello_is_taken_as_it_is()
    {
        _state.Observe(Hello(7, "whatever"));

        Assert.Equal(7, _state.AppliedRevision);
    }

    [Fact]
    public void A_refused_apply_keeps_the_applied_revision_and_reports_the_error_and_another_clients_refusal_is_not_ours()
    {
        var applied = new List<AppliedEvent>();
        _state.Applied += applied.Add;
        _state.Observe(Hello(0, null));
        _state.Observe(Own(5, "ours"));

        _state.Observe(new AppliedEvent(6, false, "No such device", 1) { ReplyTo = 106 });
        Assert.Equal(5, _state.AppliedRevision);
        Assert.Equal("No such device", _state.LastApplyError);

        _state.Observe(new AppliedEvent(9, false, "theirs failed", 1));
        Assert.Equal("No such device", _state.LastApplyError);
        Assert.Equal(5, _state.AppliedRevision);
        Assert.Equal([5L, 6, 9], applied.Select(a => a.Revision));
    }

    [Fact]
    public void Against_an_agent_without_ids_every_applied_is_the_webs_own()
    {
        _state.Observe(Hello(0, null, echoIds: false));

        _state.Observe(new AppliedEvent(4, true, null, 1));

        Assert.Equal(4, _state.AppliedRevision);
        Assert.Equal(0, _state.ForeignApplies);
    }
}
