namespace Gateway.Web.Cli;

/// <summary>
/// The web binary's console commands, dispatched on the first argument before any host is built. Without one of
/// these names the binary starts the web as always (ASP.NET Core's own <c>--key=value</c> arguments included).
/// </summary>
public static class CommandLine
{
    /// <summary>The command named by <paramref name="args"/>[0], or null to start the web.</summary>
    public static Func<string[], Task<int>>? Find(string[] args) => args switch
    {
        [ResetPasswordOptions.CommandName, ..] => rest => ResetPasswordCommand.RunFromConsoleAsync(rest[1..]),
        _ => null,
    };
}
