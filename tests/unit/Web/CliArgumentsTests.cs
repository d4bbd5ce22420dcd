using Gateway.Web.Cli;

namespace Gateway.Tests.Unit.Web;

/// <summary>How the web binary reads <c>reset-password</c>'s command line.</summary>
public sealed class CliArgumentsTests
{
    [Theory]
    [InlineData("", false, false)]
    [InlineData("--generate", true, false)]
    [InlineData("--revoke-tokens", false, true)]
    [InlineData("--revoke-tokens --generate", true, true)]
    public void Known_options_set_their_switches(string line, bool generate, bool revoke)
    {
        var args = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(ResetPasswordOptions.TryParse(args, out var options, out var error), error);
        Assert.Equal(new ResetPasswordOptions(generate, revoke, Help: false), options);
    }

    [Fact]
    public void Help_is_recognised()
    {
        Assert.True(ResetPasswordOptions.TryParse(["--help"], out var options, out _));
        Assert.True(options.Help);
        Assert.True(ResetPasswordOptions.TryParse(["-h"], out options, out _));
        Assert.True(options.Help);
    }

    [Fact]
    public void A_password_on_the_command_line_is_refused_with_the_reason()
    {
        Assert.False(ResetPasswordOptions.TryParse(["hunter2hunter2"], out _, out var error));
        Assert.Contains("standard input", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--password=x")]
    [InlineData("-g")]
    public void Unknown_options_are_refused_by_name(string arg)
    {
        Assert.False(ResetPasswordOptions.TryParse([arg], out _, out var error));
        Assert.Contains(arg, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_repeated_option_is_refused()
    {
        Assert.False(ResetPasswordOptions.TryParse(["--generate", "--generate"], out _, out var error));
        Assert.Contains("twice", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_command_name_in_first_place_selects_the_command()
    {
        Assert.NotNull(CommandLine.Find(["reset-password"]));
        Assert.NotNull(CommandLine.Find(["reset-password", "--generate"]));
        Assert.Null(CommandLine.Find([]));
        Assert.Null(CommandLine.Find(["--urls=http://127.0.0.1:5080"]));
        Assert.Null(CommandLine.Find(["--environment", "reset-password"]));
    }

    [Fact]
    public void Generated_passwords_pass_the_password_rule_and_differ()
    {
        var first = PasswordGenerator.Generate();
        var second = PasswordGenerator.Generate();
        Assert.Null(Gateway.Web.State.AdminPassword.Check(first));
        Assert.Matches("^[a-z2-9]{5}(-[a-z2-9]{5}){3}$", first);
        Assert.NotEqual(first, second);
    }
}
