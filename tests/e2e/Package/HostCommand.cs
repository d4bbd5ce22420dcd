using System.Diagnostics;
using Gateway.Tests.E2e.Lab;

namespace Gateway.Tests.E2e.Package;

/// <summary>Runs a command on the host (not in a lab namespace), optionally feeding it standard input.</summary>
internal static class HostCommand
{
    public static async Task<CommandResult> RunAsync(
        string fileName, IEnumerable<string> arguments, string? stdin = null, TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            return new CommandResult(124, await stdout, await stderr + "\n(killed: timed out)");
        }

        return new CommandResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary><c>bash -c</c> on the host.</summary>
    public static Task<CommandResult> BashAsync(string script, string? stdin = null, TimeSpan? timeout = null) =>
        RunAsync("bash", ["-c", script], stdin, timeout);
}
