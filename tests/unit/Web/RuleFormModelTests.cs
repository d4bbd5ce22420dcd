using Gateway.Shared.Config;
using Gateway.Shared.Validation;
using Gateway.Web.Components.Pages.Firewall;
using Gateway.Web.Components.Pages.Logging;
using Gateway.Web.State;

namespace Gateway.Tests.Unit.Web;

/// <summary>What the Firewall form sends, what a rule's row says, and the Logging form's round trip of every category.</summary>
public sealed class RuleFormModelTests
{
    [Fact]
    public void An_untouched_form_reaches_the_service_as_missing_fields_so_each_is_required()
    {
        var (input, localErrors) = new RuleFormModel().ToInput();

        Assert.Empty(localErrors);
        var errors = new ValidationErrors();
        Assert.Null(input!.ToRule(0, errors));
        Assert.Equal(["action", "chain", "name"], errors.ToDictionary().Keys.Order());
        Assert.All(errors.ToDictionary().Values, messages => Assert.Equal(["Required."], messages));
    }

    [Fact]
    public void Fields_the_form_hides_are_left_out_rather_than_refused()
    {
        // Typed, then hidden by the user's later choices: input has no out interface, ICMP no ports, drop no answer.
        var model = new RuleFormModel
        {
            Name = " guests ",
            Chain = nameof(RuleChain.Input),
            Action = nameof(RuleAction.Drop),
            Protocol = nameof(RuleProtocol.Icmp),
            InInterface = "wan0",
            OutInterface = "br-lan",
            DestinationPort = "80",
            RejectWith = nameof(RejectWith.AdminProhibited),
        };

        var (input, errors) = model.ToInput();

        Assert.Empty(errors);
        Assert.Equal("guests", input!.Name);
        Assert.Equal("wan0", input.InInterface);
        Assert.Null(input.OutInterface);
        Assert.Null(input.DestinationPort);
        Assert.Null(input.RejectWith);
        var validation = new ValidationErrors();
        ConfigValidator.ValidateRule(input.ToRule(1, validation)!, validation);
        Assert.True(validation.IsValid);
    }

    [Fact]
    public void Text_in_a_number_field_is_an_error_under_the_services_key()
    {
        var model = new RuleFormModel
        {
            Name = "web",
            Chain = nameof(RuleChain.Forward),
            Action = nameof(RuleAction.Accept),
            Protocol = nameof(RuleProtocol.Tcp),
            DestinationPort = "http",
            HasLimit = true,
            RatePerSecond = "10",
            Burst = "many",
        };

        var (input, errors) = model.ToInput();

        Assert.Null(input);
        Assert.Equal(["destinationPort", "limit.burst"], errors.Keys.Order());
    }

    [Fact]
    public void A_stored_rule_loads_into_the_form_and_saves_unchanged()
    {
        var rule = new TrafficRule(
            7, "no telnet", true, RuleChain.Input, RuleFamily.Ipv4, "wan0", null, RuleProtocol.Tcp, "203.0.113.0/24", null, 23, 25,
            "aa:bb:cc:00:11:22", RuleAction.Reject, RejectWith.TcpReset, FirewallLogLevel.Warn, new RuleLimit(5, 10));

        var (input, errors) = RuleFormModel.From(RuleView.From(rule, RuleHitsView.None)).ToInput();

        Assert.Empty(errors);
        Assert.Equal(rule, input!.ToRule(7, new ValidationErrors()));
    }

    [Fact]
    public void The_match_summary_names_only_what_the_rule_sets()
    {
        var rule = new TrafficRule(
            1, "block", true, RuleChain.Forward, RuleFamily.Any, null, "wan0", RuleProtocol.TcpUdp, "192.168.50.10", null, 53, null,
            null, RuleAction.Drop, null, null, null);
        var everything = rule with { OutInterface = null, Protocol = RuleProtocol.Any, Source = null, DestinationPort = null };

        Assert.Equal("out wan0 · TCP+UDP · from 192.168.50.10 · port 53", RuleText.Match(RuleView.From(rule, RuleHitsView.None)));
        Assert.Equal("everything", RuleText.Match(RuleView.From(everything, RuleHitsView.None)));
    }

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(52_428_800, "50 MiB")]
    public void Bytes_read_in_binary_units(long bytes, string text) => Assert.Equal(text, RuleText.Bytes(bytes));

    [Theory]
    [InlineData(0, "0")]
    [InlineData(12_345, "12,345")]
    [InlineData(250_000, "250 k")]
    [InlineData(12_300_000, "12.3 M")]
    public void Packet_counts_stay_short(long packets, string text) => Assert.Equal(text, RuleText.Count(packets));

    [Fact]
    public void The_logging_form_keeps_the_dos_level()
    {
        var policy = new LoggingPolicy(FirewallLogLevel.Warn, FirewallLogLevel.Off, FirewallLogLevel.Info, FirewallLogLevel.Off, 30, 5, FirewallLogLevel.Notice);

        Assert.Equal(policy, LoggingFormModel.From(policy).ToPolicy());
    }
}
