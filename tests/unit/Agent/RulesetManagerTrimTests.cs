using Gateway.Agent.Memory;
using Gateway.Agent.Nft;
using Gateway.Agent.State;
using Gateway.Shared.Config;
using Microsoft.Extensions.Logging.Abstractions;

using static Gateway.Tests.Unit.Agent.ForwardConfigs;

namespace Gateway.Tests.Unit.Agent;

/// <summary>
/// When <see cref="RulesetManager"/> gives back the memory an apply leaves: right after a whole-table replace, before
/// the apply returns (libnftables' parse of a big table), and not after an element update (its latency stays as it
/// was; the 2 s trimmer covers it). The resident set is a model: each replace leaves 150 MB, each element update 8 MB.
/// </summary>
public sealed class RulesetManagerTrimTests : IDisposable
{
    private const long Base = 20L << 20;
    private readonly string _stateDir = Path.Combine(Path.GetTempPath(), $"gw-trim-{Environment.ProcessId}-{Guid.NewGuid():N}");
    private readonly FakeRulesetKernel _kernel = new();
    private int _trims;
    private long _trimmedAt;

    public void Dispose()
    {
        if (Directory.Exists(_stateDir))
        {
            Directory.Delete(_stateDir, recursive: true);
        }
    }

    private long Left() => (_kernel.Replaced.Count * (150L << 20)) + (_kernel.ElementUpdates.Count * (8L << 20));

    private long Resident() => Base + Left() - _trimmedAt;

    private RulesetManager NewManager() => new(
        _kernel,
        new LastGoodStore(_stateDir),
        NullLogger<RulesetManager>.Instance,
        heapTrim: new HeapTrim(Resident, () =>
        {
            _trims++;
            _trimmedAt = Left();
        }));

    [Fact]
    public async Task A_whole_table_replace_gives_the_memory_back_before_the_apply_returns()
    {
        var manager = NewManager();

        var applied = await manager.ApplyAsync(1, Config(Forward(1, 8080)));

        Assert.True(applied.Ok);
        Assert.Single(_kernel.Replaced);
        Assert.Equal(1, _trims);
        Assert.Equal(Base, Resident());
    }

    [Fact]
    public async Task An_element_update_leaves_the_trim_to_the_timer()
    {
        var manager = NewManager();
        Assert.True((await manager.ApplyAsync(1, Config(Forward(1, 8080)))).Ok);

        var applied = await manager.ApplyAsync(2, Config(Forward(1, 8080, "192.168.1.30")));

        Assert.True(applied.Ok);
        Assert.Single(_kernel.ElementUpdates);
        Assert.Equal(1, _trims);
        Assert.Equal(Base + (8L << 20), Resident());
    }
}
