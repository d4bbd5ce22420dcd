using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Gateway.Web.Data.Entities;
using Gateway.Web.State;

namespace Gateway.Tests.Unit.Web;

/// <summary>
/// The frame-size bound StateWriter computes from stored text lengths is sound: each list item's JSON for the agent,
/// apart from its text, fits the per-item share the bound assumes. The widest item: every optional field set, the
/// longest enum names, the widest numbers, empty text (text is counted separately, six bytes per UTF-8 byte).
/// </summary>
public sealed class StateWriterBoundTests
{
    private static readonly GatewayConfig Empty = new(
        new NetworkSettings("", "", "", true, null), [], [], new MacPolicy(MacFilterMode.AllowListed), new LoggingPolicy());

    public static TheoryData<string> Lists() => new(["forward", "mac", "rule", "oneToOne", "redirect", "route", "pinhole"]);

    [Theory]
    [MemberData(nameof(Lists))]
    public void The_widest_item_besides_its_text_fits_its_share(string list)
    {
        var (config, entity) = list switch
        {
            "forward" => (Empty with { PortForwards = [new PortForward(int.MinValue, "", false, ForwardProtocol.Both, int.MinValue, int.MinValue, "", int.MinValue, "", false, true, FirewallLogLevel.Notice, ConntrackHelper.Amanda)] }, typeof(PortForwardEntity)),
            "mac" => (Empty with { MacFilters = [new MacFilter(int.MinValue, "", "", false)] }, typeof(MacFilterEntity)),
            "rule" => (Empty with { Rules = [new TrafficRule(int.MinValue, "", false, RuleChain.Forward, RuleFamily.Ipv4, "", "", RuleProtocol.Icmpv6, "", "", int.MinValue, int.MinValue, "", RuleAction.Reject, RejectWith.AdminProhibited, FirewallLogLevel.Notice, new RuleLimit(int.MinValue, int.MinValue))] }, typeof(RuleEntity)),
            "oneToOne" => (Empty with { OneToOne = [new OneToOneNat(int.MinValue, "", false, "", "", false)] }, typeof(OneToOneEntity)),
            "redirect" => (Empty with { Redirects = [new Redirect(int.MinValue, "", false, "", ForwardProtocol.Both, int.MinValue, int.MinValue, int.MinValue, "")] }, typeof(RedirectEntity)),
            "route" => (Empty with { PolicyRoutes = [new PolicyRoute(int.MinValue, "", false, "", "", "", false)] }, typeof(PolicyRouteEntity)),
            _ => (Empty with { Pinholes = [new Pinhole(int.MinValue, "", false, ForwardProtocol.Both, int.MinValue, int.MinValue, "", "", "")] }, typeof(PinholeEntity)),
        };

        var item = AgentProtocol.Serialize(new ApplyRequest(long.MaxValue, config)).Length - AgentProtocol.Serialize(new ApplyRequest(long.MaxValue, Empty)).Length;

        Assert.True(item <= StateWriter.ItemBytesBesidesText(entity), $"{list}: {item} bytes besides text, share {StateWriter.ItemBytesBesidesText(entity)}");
    }
}
