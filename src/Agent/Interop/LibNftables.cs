using System.Runtime.InteropServices;

namespace Gateway.Agent.Interop;

/// <summary>
/// libnftables, the library behind the <c>nft</c> command. The versioned soname is used because the
/// unversioned <c>libnftables.so</c> only ships with the -dev package.
/// </summary>
internal static partial class LibNftables
{
    private const string Library = "libnftables.so.1";

    /// <summary>NFT_CTX_DEFAULT.</summary>
    public const uint ContextDefault = 0;

    /// <summary>NFT_CTX_OUTPUT_STATELESS (<c>nft -s</c>): listings leave out counter values and other state.</summary>
    public const uint OutputStateless = 1 << 2;

    /// <summary>NFT_CTX_OUTPUT_HANDLE (<c>nft -a</c>): listings show each object's kernel handle.</summary>
    public const uint OutputHandle = 1 << 3;

    /// <summary>NFT_CTX_OUTPUT_JSON (<c>nft -j</c>): listings in libnftables' JSON schema.</summary>
    public const uint OutputJson = 1 << 4;

    /// <summary>NFT_CTX_OUTPUT_TERSE: sets and maps without their elements.</summary>
    public const uint OutputTerse = 1 << 11;

    [LibraryImport(Library, EntryPoint = "nft_ctx_new")]
    public static partial NftContextHandle CtxNew(uint flags);

    [LibraryImport(Library, EntryPoint = "nft_ctx_free")]
    public static partial void CtxFree(IntPtr ctx);

    [LibraryImport(Library, EntryPoint = "nft_ctx_buffer_output")]
    public static partial int CtxBufferOutput(NftContextHandle ctx);

    [LibraryImport(Library, EntryPoint = "nft_ctx_buffer_error")]
    public static partial int CtxBufferError(NftContextHandle ctx);

    [LibraryImport(Library, EntryPoint = "nft_ctx_output_set_flags")]
    public static partial void CtxOutputSetFlags(NftContextHandle ctx, uint flags);

    [LibraryImport(Library, EntryPoint = "nft_ctx_get_output_buffer")]
    public static partial IntPtr CtxGetOutputBuffer(NftContextHandle ctx);

    [LibraryImport(Library, EntryPoint = "nft_ctx_get_error_buffer")]
    public static partial IntPtr CtxGetErrorBuffer(NftContextHandle ctx);

    /// <summary>Runs a whole script; the buffer must be NUL-terminated. 0 on success, -1 on error.</summary>
    [LibraryImport(Library, EntryPoint = "nft_run_cmd_from_buffer")]
    public static partial int RunCmdFromBuffer(NftContextHandle ctx, ReadOnlySpan<byte> buffer);
}

/// <summary>Owns an <c>nft_ctx*</c>; freed exactly once even if a caller forgets to dispose.</summary>
internal sealed class NftContextHandle : SafeHandle
{
    public NftContextHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        LibNftables.CtxFree(handle);
        return true;
    }
}
