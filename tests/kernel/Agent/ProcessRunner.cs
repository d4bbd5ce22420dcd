using System.Diagnostics;

namespace Gateway.Tests.Kernel.Agent;

/// <summary>Runs a command to completion and captures its output (for nft, unshare, ip netns, conntrack).</summary>
internal static class ProcessRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(string file, params string[] args) => RunWithInput(file, null, args);

    public static Result RunWithInput(string file, string? input, params string[] args)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }

        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish.");
        }

        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs a shell script inside a fresh, unnamed network namespace that vanishes with it.</summary>
    public static Result InThrowawayNamespace(string script) => Run("unshare", "--net", "--", "sh", "-c", script);
}
