using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Gateway.Agent;

/// <summary>The agent's settings (section <c>Agent</c> of appsettings.json, or <c>Agent__*</c> env vars).</summary>
public sealed record AgentOptions(string SocketPath, string StateDir, IReadOnlyList<uint> AllowedUids)
{
    public const string DefaultSocketPath = "/run/gateway/agent.sock";
    public const string DefaultStateDir = "/var/lib/gateway/agent";

    /// <summary>Reads and checks the settings; the error is one line, fit for stderr.</summary>
    public static bool TryRead(IConfiguration configuration, out AgentOptions options, out string error)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        options = new AgentOptions(DefaultSocketPath, DefaultStateDir, [0]);
        var section = configuration.GetSection("Agent");
        var socketPath = section["SocketPath"] is { Length: > 0 } s ? s : DefaultSocketPath;
        var stateDir = section["StateDir"] is { Length: > 0 } d ? d : DefaultStateDir;

        // sockaddr_un.sun_path holds 108 bytes including the terminating NUL.
        if (!Path.IsPathRooted(socketPath) || System.Text.Encoding.UTF8.GetByteCount(socketPath) > 107)
        {
            error = $"Agent:SocketPath must be an absolute path of at most 107 bytes (got '{socketPath}').";
            return false;
        }

        if (!Path.IsPathRooted(stateDir))
        {
            error = $"Agent:StateDir must be an absolute path (got '{stateDir}').";
            return false;
        }

        var uids = new List<uint>();
        var uidSection = section.GetSection("AllowedUids");
        foreach (var child in uidSection.GetChildren())
        {
            if (!uint.TryParse(child.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var uid))
            {
                error = $"Agent:AllowedUids:{child.Key} must be a user id (got '{child.Value}').";
                return false;
            }

            if (!uids.Contains(uid))
            {
                uids.Add(uid);
            }
        }

        if (uids.Count == 0)
        {
            uids.Add(0);
        }

        options = new AgentOptions(socketPath, stateDir, uids);
        error = string.Empty;
        return true;
    }
}
