using System.Text.Json;
using System.Text.Json.Serialization;
using Gateway.Agent.State;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;

namespace Gateway.Agent.Confirm;

/// <summary>
/// An open commit-confirmed window: <paramref name="Revision"/> is in the kernel; unless it is confirmed before
/// <paramref name="Deadline"/>, <paramref name="PreviousConfig"/> (revision <paramref name="PreviousRevision"/>, the
/// last confirmed state) goes back. <paramref name="Seconds"/> is the length the newest risky write asked for, for the
/// log line.
/// </summary>
public sealed record OpenWindow(long Revision, DateTimeOffset Deadline, int Seconds, long PreviousRevision, GatewayConfig PreviousConfig)
{
    public PendingConfirmation ToPending() => new(Revision, Deadline, PreviousRevision);
}

/// <summary>
/// Everything the confirmation needs to survive a crash: the open window, and the last revert with its revision until a
/// newer revision is applied (the revert is told to every client that says hello meanwhile; applies of the reverted
/// revision or anything older are refused, so a web that reconnects with the unconfirmed revision before it hears of
/// the revert can't bring it back).
/// </summary>
public sealed record ConfirmState(OpenWindow? Window, RevertedEvent? Reverted, long RevertedRevision)
{
    public static ConfirmState Empty { get; } = new(null, null, 0);
}

/// <summary>Source-generated JSON for <see cref="ConfirmState"/>: the agent is NativeAOT.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never, MaxDepth = 32)]
[JsonSerializable(typeof(ConfirmState))]
internal sealed partial class ConfirmJsonContext : JsonSerializerContext;

/// <summary><c>confirm.json</c> under Agent:StateDir, written atomically (temp, fsync, rename, fsync of the directory).</summary>
public sealed class ConfirmFile(string directory)
{
    public const string FileName = "confirm.json";

    public string FilePath => Path.Combine(directory, FileName);

    /// <summary>The stored state; empty when there is none.</summary>
    /// <exception cref="InvalidDataException">The file exists but can't be read as a confirm state.</exception>
    public ConfirmState Load()
    {
        if (!File.Exists(FilePath))
        {
            return ConfirmState.Empty;
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(FilePath), ConfirmJsonContext.Default.ConfirmState) ?? ConfirmState.Empty;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{FilePath} is not a confirm state: {ex.Message}", ex);
        }
    }

    /// <exception cref="IOException">The state could not be made durable.</exception>
    public void Save(ConfirmState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state == ConfirmState.Empty || state is { Window: null, Reverted: null, RevertedRevision: 0 })
        {
            File.Delete(FilePath);
            AtomicFile.SyncDirectory(directory);
            return;
        }

        AtomicFile.Write(FilePath, JsonSerializer.SerializeToUtf8Bytes(state, ConfirmJsonContext.Default.ConfirmState));
    }
}
