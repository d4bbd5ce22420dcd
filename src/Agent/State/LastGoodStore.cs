using Gateway.Shared.Config;
using Gateway.Shared.Protocol;

namespace Gateway.Agent.State;

/// <summary>The last snapshot the kernel accepted, with its revision.</summary>
public sealed record LastGood(long Revision, GatewayConfig Config);

/// <summary>
/// Keeps the last successfully applied snapshot on disk so the agent can restore the rules at boot
/// before anything else runs. Stored as the same <c>apply</c> frame JSON the web sends (no second schema).
/// Writes are atomic (<see cref="AtomicFile"/>).
/// </summary>
public sealed class LastGoodStore(string directory)
{
    public const string FileName = "last-good.json";

    public string FilePath => Path.Combine(directory, FileName);

    /// <summary>The stored snapshot, or null when there is none.</summary>
    /// <exception cref="InvalidDataException">The file exists but is not a valid apply frame.</exception>
    public LastGood? Load()
    {
        if (!File.Exists(FilePath))
        {
            return null;
        }

        var request = AgentProtocol.DeserializeRequest(File.ReadAllBytes(FilePath));
        return request is ApplyRequest apply
            ? new LastGood(apply.Revision, apply.Config)
            : throw new InvalidDataException($"{FilePath} does not hold an apply frame.");
    }

    public void Save(LastGood state)
    {
        ArgumentNullException.ThrowIfNull(state);
        AtomicFile.Write(FilePath, AgentProtocol.Serialize(new ApplyRequest(state.Revision, state.Config)));
    }
}
