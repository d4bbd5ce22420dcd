using Gateway.Agent.State;

namespace Gateway.Agent.Nft;

/// <summary>What a check found in the kernel.</summary>
public enum TableState
{
    /// <summary>The table is the one this agent last wrote.</summary>
    Ours,

    /// <summary>There is no table.</summary>
    Gone,

    /// <summary>Someone changed the table's structure or contents.</summary>
    Changed,

    /// <summary>Something committed after the agent's write and before it could fingerprint the table.</summary>
    Unverified,
}

/// <summary>
/// How the agent tells its own table from one someone else changed: the nftables generation right after its last
/// write, and fingerprints of the structure (with handles) and of the contents, taken off the apply path once the
/// generation proves nobody committed in between. Element updates leave the structure's fingerprint as it is.
/// The last write's fingerprint and generation go to <paramref name="file"/>, so the next run can trust the table
/// (and its counters) it finds. Not thread-safe: the apply gate serialises every call.
/// </summary>
public sealed class WrittenTableWatch(IRulesetKernel kernel, FingerprintFile file)
{
    private string? _fingerprint;
    private string? _content;

    // Set by a check that found the agent's own table without a fingerprint of its contents: the generation the
    // read must be taken at, outside the gate.
    private uint? _owedAt;

    /// <summary>True once this agent wrote a table (applied config or lockdown).</summary>
    public bool HasWritten { get; private set; }

    /// <summary>
    /// The nftables generation right after this agent's last write (or last check that found its table intact):
    /// while the kernel still reports it, nothing was committed since, so the table needs no read.
    /// </summary>
    public uint? Generation { get; private set; }

    /// <summary>Whether the table in the kernel at start-up is the very one the previous run wrote (same handles, same contents).</summary>
    public bool WrittenByPreviousRun() =>
        file.Load() is { } written
        && ((written.Generation is { } generation && generation == kernel.Generation())
            || (written.Fingerprint is { } fingerprint && fingerprint == kernel.Fingerprints()?.Structure));

    /// <summary>
    /// After this agent wrote the table: remember the generation the write left (pinhole syncs included), so the
    /// next check is one netlink request, and forget the fingerprints the write made stale (a rebuild changes every
    /// handle; element updates only the contents). They are taken again off the apply path (<see cref="Verify"/>):
    /// a read of every element is not for the apply's time.
    /// </summary>
    public void Wrote(bool rebuilt)
    {
        HasWritten = true;
        if (rebuilt)
        {
            _fingerprint = null;
        }

        _content = null;
        Generation = kernel.Generation();
        file.Save(new WrittenTable(_fingerprint, Generation));
    }

    /// <summary>
    /// Fingerprints the table the agent wrote. With <paramref name="requireQuiet"/>, only when the generation
    /// proves nobody committed since the write, before and after the read (otherwise the next check may say
    /// <see cref="TableState.Unverified"/>); without, whatever is there now is taken as the agent's own.
    /// </summary>
    public void Verify(bool requireQuiet = true)
    {
        var generation = kernel.Generation();
        if (requireQuiet && generation is not null && generation != Generation)
        {
            return;
        }

        var fingerprints = kernel.Fingerprints();
        var after = kernel.Generation();
        if (requireQuiet && after != generation)
        {
            return;
        }

        _fingerprint = fingerprints?.Structure;
        _content = fingerprints?.Content;
        Generation = after;
        file.Save(new WrittenTable(_fingerprint, Generation));
    }

    /// <summary>Whether the table in the kernel is still the one this agent last wrote.</summary>
    public TableState Check()
    {
        var generation = kernel.Generation();
        if (generation is not null && generation == Generation)
        {
            return TableState.Ours;
        }

        var now = kernel.Fingerprints();
        if (now is null)
        {
            return TableState.Gone;
        }

        if (_fingerprint is not null && now.Structure != _fingerprint)
        {
            return TableState.Changed;
        }

        if (_fingerprint is null || _content is null)
        {
            if (generation is not null)
            {
                return TableState.Unverified;
            }

            // No generation to prove anything with: take the table as it is, as every check did before generations.
            Verify(requireQuiet: false);
            return TableState.Ours;
        }

        if (now.Content != _content)
        {
            return TableState.Changed;
        }

        // Someone committed elsewhere (another table, or a MAC pinhole set): the table is intact, so the next check
        // starts from here.
        Generation = generation;
        return TableState.Ours;
    }

    /// <summary>
    /// A check found the table intact: when its contents have no fingerprint yet, one is owed. With a generation to
    /// prove quiet by, the read is left for <see cref="TakeOwed"/> (taken outside the gate); without, it is taken now.
    /// </summary>
    public void FoundIntact()
    {
        if (_content is not null)
        {
            return;
        }

        if (Generation is { } generation)
        {
            _owedAt = generation;
        }
        else
        {
            Verify();
        }
    }

    /// <summary>The generation at which a fingerprint is owed (see <see cref="FoundIntact"/>), once.</summary>
    public uint? TakeOwed()
    {
        var owed = _owedAt;
        _owedAt = null;
        return owed;
    }

    /// <summary>
    /// Keeps fingerprints read outside the gate at <paramref name="generation"/>, if the agent's last write is
    /// still that generation and nothing fingerprinted it meanwhile.
    /// </summary>
    public void KeepListed(uint generation, TableFingerprints fingerprints)
    {
        if (Generation == generation && _content is null)
        {
            _fingerprint = fingerprints.Structure;
            _content = fingerprints.Content;
            file.Save(new WrittenTable(_fingerprint, Generation));
        }
    }

    /// <summary>
    /// Runs a commit of the agent's own between table writes (a pinhole set sync; true when it committed). When
    /// nothing else had committed since the agent's last write, its own commit must not make the next check read
    /// the whole table, so the generation moves with it.
    /// </summary>
    public void CommitOwn(Func<bool> commit)
    {
        var before = Generation is null ? null : kernel.Generation();
        if (commit() && before is not null && before == Generation)
        {
            Generation = kernel.Generation();
        }
    }
}
