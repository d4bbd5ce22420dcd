namespace Gateway.Web.Cli;

/// <summary>The arguments of <c>gateway-web reset-password</c>.</summary>
public sealed record ResetPasswordOptions(bool Generate, bool RevokeTokens, bool Help)
{
    public const string CommandName = "reset-password";

    public const string Usage = """
        Usage: gateway-web reset-password [--generate] [--revoke-tokens]

        Sets a new password for the admin of the web panel and signs every browser out (within 15 s on a
        running web). Run it as root on the router.

          (no option)       read the new password from standard input (asked twice on a terminal)
          --generate        make up a strong password and print it
          --revoke-tokens   also delete every API token (scripts must get new ones); kept otherwise
          -h, --help        show this text
        """;

    /// <summary>Parses the arguments after the command name; the error is one line, fit for stderr.</summary>
    public static bool TryParse(IReadOnlyList<string> args, out ResetPasswordOptions options, out string error)
    {
        ArgumentNullException.ThrowIfNull(args);
        bool generate = false, revoke = false, help = false;
        foreach (var arg in args)
        {
            switch (arg)
            {
                case "--generate" when !generate:
                    generate = true;
                    break;
                case "--revoke-tokens" when !revoke:
                    revoke = true;
                    break;
                case "-h" or "--help":
                    help = true;
                    break;
                case "--generate" or "--revoke-tokens":
                    options = new ResetPasswordOptions(false, false, false);
                    error = $"{arg} is given twice.";
                    return false;
                default:
                    // A password on the command line would sit in the shell history and in ps output for every
                    // local user to read: refuse it, with a hint.
                    options = new ResetPasswordOptions(false, false, false);
                    error = arg.StartsWith('-')
                        ? $"unknown option {arg}."
                        : $"unexpected argument '{arg}': the password is read from standard input, never from the command line.";
                    return false;
            }
        }

        options = new ResetPasswordOptions(generate, revoke, help);
        error = string.Empty;
        return true;
    }
}
