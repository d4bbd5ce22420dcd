using Gateway.Shared.Config;
using Gateway.Shared.Validation;
using Gateway.Web.State;

namespace Gateway.Tests.Unit.Web;

public sealed class RuleInputTests
{
    private static RuleInput Empty => new(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);

    [Fact]
    public void Every_missing_required_field_is_reported_at_once()
    {
        var errors = new ValidationErrors();
        Assert.Null(Empty.ToRule(0, errors));
        Assert.Equal(["action", "chain", "name"], errors.ToDictionary().Keys.Order());
    }

    [Fact]
    public void Missing_fields_are_reported_under_the_prefix_and_a_half_given_limit_names_its_missing_half()
    {
        var errors = new ValidationErrors();
        var input = Empty with { Name = "x", Limit = new RuleLimitInput(5, null) };
        Assert.Null(input.ToRule(0, errors, "rules[2]"));
        Assert.Equal(["rules[2].action", "rules[2].chain", "rules[2].limit.burst"], errors.ToDictionary().Keys.Order());
    }

    [Fact]
    public void Defaults_fill_in_and_empty_optional_text_means_not_set()
    {
        var errors = new ValidationErrors();
        var input = Empty with
        {
            Name = "web",
            Chain = RuleChain.Forward,
            Action = RuleAction.Drop,
            InInterface = "",
            OutInterface = "",
            Source = "",
            Destination = "",
            SourceMac = "",
        };
        var rule = input.ToRule(7, errors);
        Assert.True(errors.IsValid);
        Assert.Equal(
            new TrafficRule(7, "web", true, RuleChain.Forward, RuleFamily.Any, null, null, RuleProtocol.Any, null, null, null, null, null, RuleAction.Drop, null, null, null),
            rule);
    }

    [Fact]
    public void A_valid_source_mac_is_normalised_and_an_invalid_one_stays_for_the_validator()
    {
        var errors = new ValidationErrors();
        var input = Empty with { Name = "m", Chain = RuleChain.Input, Action = RuleAction.Accept, SourceMac = "AA-BB-CC-DD-EE-0F" };
        Assert.Equal("aa:bb:cc:dd:ee:0f", input.ToRule(1, errors)!.SourceMac);

        var bad = (input with { SourceMac = "aa:bb" }).ToRule(1, errors)!;
        Assert.Equal("aa:bb", bad.SourceMac);
        ConfigValidator.ValidateRule(bad, errors);
        Assert.True(errors.Has("sourceMac"));
    }

    [Fact]
    public void From_and_ToRule_round_trip_every_field()
    {
        var rule = new TrafficRule(
            3, "ssh from office", false, RuleChain.Input, RuleFamily.Ipv4, "ppp*", null, RuleProtocol.Tcp, "203.0.113.0/24", "192.168.1.1",
            22, 23, "aa:bb:cc:dd:ee:01", RuleAction.Reject, RejectWith.TcpReset, FirewallLogLevel.Warn, new RuleLimit(5, 10));
        Assert.Equal(rule, RuleInput.From(rule).ToRule(3, new ValidationErrors()));
        Assert.Equal(rule, RuleView.From(rule, new RuleHitsView(4, 400)).ToRule());
    }

    [Fact]
    public void Protection_input_takes_the_safe_defaults_for_what_is_missing()
    {
        var nothing = new ProtectionInput(null, null, null, null, null, null);
        Assert.Equal(Protection.Default, nothing.ToProtection());

        var partial = new ProtectionInput(WanInputAction.Reject, true, new SynFloodInput(null, 100, null, false), new IcmpLimitInput(null, 3), null, null);
        var protection = partial.ToProtection();
        Assert.Equal(WanInputAction.Reject, protection.WanInput);
        Assert.True(protection.WanPing);
        Assert.Equal(new SynFloodLimit(true, 100, 50, false), protection.SynFlood);
        Assert.Equal(new IcmpLimit(10, 3), protection.IcmpLimit);
        Assert.True(protection.DropInvalid);
        Assert.True(protection.AntiSpoofing);

        var custom = Protection.Default with { WanPing = true, DropInvalid = false, SynFlood = new SynFloodLimit(false, 1, 2, false) };
        Assert.Equal(custom, ProtectionInput.From(custom).ToProtection());
    }
}
