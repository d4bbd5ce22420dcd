namespace Gateway.Bench.E2e;

/// <summary>The web as a benchmark runs it: which build (<paramref name="Dll"/>) and which runtime settings (environment).</summary>
internal sealed record WebVariant(string Name, string Dll, IReadOnlyDictionary<string, string> Env)
{
    /// <summary>The Release build as run.sh starts it, with the settings in its runtimeconfig.json only.</summary>
    public static WebVariant Default(string root) =>
        new("as built", Path.Combine(root, "src", "Web", "bin", "Release", "net10.0", "Gateway.Web.dll"), new Dictionary<string, string>());
}
