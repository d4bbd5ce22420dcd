using System.Runtime.InteropServices;
using System.Text;
using Gateway.Agent.Interop;

namespace Gateway.Agent.Nft;

/// <summary>The outcome of one libnftables run: ok, plus what nft printed (listing or error text).</summary>
public sealed record NftResult(bool Ok, string Output, string Error);

/// <summary>
/// Runs nft scripts through libnftables in-process. Only ever addresses <c>table inet gateway</c>.
/// One context per call keeps it thread-safe without locks (a context is not safe to share).
/// </summary>
public sealed class NftApplier
{
    /// <summary>
    /// Replaces <c>table inet gateway</c> with <paramref name="table"/> in one transaction: <c>add table</c>
    /// makes the <c>delete</c> valid when the table is absent, and if the kernel refuses anything in the new
    /// body the whole batch is rolled back, so the old table stays whole.
    /// </summary>
    /// <remarks>A table that declares miniupnpd's chains keeps the rules they hold (<see cref="KeptChains"/>).</remarks>
    public NftResult Replace(string table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var keeping = KeptChains.Declared(table) && ListTableTerse() is { } listing ? KeptChains.Script(listing, table) : null;
        // Blocked port-scan sources and killed flows are runtime state: the new table's empty sets take them over in
        // the same transaction.
        return Run((keeping ?? ReplaceScript(table)) + TimedElements.CarryScript(table, [.. PortScanBlocks.List(), .. KilledFlows.List()]));
    }

    /// <summary>The whole script <see cref="Replace"/> runs (the benchmark feeds the same text to <c>nft -f</c>).</summary>
    public static string ReplaceScript(string table) =>
        $"add table inet {RulesetCompiler.TableName}\ndelete table inet {RulesetCompiler.TableName}\n{table}";

    /// <summary>The live table without set elements (<c>nft -t</c>), or null when it does not exist.</summary>
    private static string? ListTableTerse()
    {
        var result = Run($"list table inet {RulesetCompiler.TableName}", LibNftables.OutputTerse);
        return result.Ok ? result.Output : null;
    }

    /// <summary>The live table as the kernel lists it, or an empty string when it does not exist.</summary>
    public string ListTable()
    {
        var result = Run($"list table inet {RulesetCompiler.TableName}");
        return result.Ok ? result.Output : string.Empty;
    }

    /// <summary>The table as <c>nft -s</c> lists it (elements, no handles, no counter values), or null when it does not exist.</summary>
    public string? ListTableStateless()
    {
        var result = Run($"list table inet {RulesetCompiler.TableName}", LibNftables.OutputStateless);
        return result.Ok ? result.Output : null;
    }

    /// <summary>
    /// Runs a script of <c>add element</c> / <c>delete element</c> commands (<see cref="TableDelta"/>) as one
    /// transaction: if the kernel refuses one, none of them is applied.
    /// </summary>
    public NftResult UpdateElements(string script)
    {
        ArgumentNullException.ThrowIfNull(script);
        return Run(script);
    }

    /// <summary>Runs a script in one libnftables context.</summary>
    public static NftResult Run(string script) => Run(script, 0);

    /// <summary>Runs a script in one libnftables context with the given NFT_CTX_OUTPUT_* flags.</summary>
    internal static NftResult Run(string script, uint outputFlags)
    {
        using var ctx = LibNftables.CtxNew(LibNftables.ContextDefault);
        if (ctx.IsInvalid)
        {
            return new NftResult(false, string.Empty, "nft_ctx_new failed");
        }

        LibNftables.CtxBufferOutput(ctx);
        LibNftables.CtxBufferError(ctx);
        if (outputFlags != 0)
        {
            LibNftables.CtxOutputSetFlags(ctx, outputFlags);
        }

        var bytes = new byte[Encoding.UTF8.GetByteCount(script) + 1];
        Encoding.UTF8.GetBytes(script, bytes);

        var rc = LibNftables.RunCmdFromBuffer(ctx, bytes);
        var output = Marshal.PtrToStringUTF8(LibNftables.CtxGetOutputBuffer(ctx)) ?? string.Empty;
        var error = Marshal.PtrToStringUTF8(LibNftables.CtxGetErrorBuffer(ctx)) ?? string.Empty;
        if (rc != 0 && error.Trim().Length == 0)
        {
            // nft sometimes fails without a message (e.g. a bad map type in an inet table); never report "".
            error = $"nft failed (rc={rc}) without a message";
        }

        return new NftResult(rc == 0, output, error.Trim());
    }
}
