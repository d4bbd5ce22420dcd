using System.Text.Json;
using Gateway.Agent.Ipc;
using Gateway.Agent.Nft;
using Gateway.Agent.State;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Unit.Agent;

/// <summary>
/// The property behind <c>apply-delta</c>: the same random edit sequences, sent to one agent as whole <c>apply</c>
/// frames and to another as the web sends them (a delta when one item changed, else the whole config), leave both
/// kernels with the same table (the same replace and element-update scripts, step by step), the same applied config
/// and the same last-good state as recovered from disk at a restart (the delta agent journals its deltas, so its files
/// differ by design; whenever it holds no journal its snapshot is byte for byte the other's). Each sequence is seeded;
/// a failure names its seed and step.
/// </summary>
public sealed class DeltaEquivalenceTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"gw-delta-eq-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 12).Select(i => i * 7919)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Deltas_and_whole_frames_give_the_same_kernel_table_and_recovered_last_good_state(int seed)
    {
        var wholeKernel = new FakeRulesetKernel();
        var deltaKernel = new FakeRulesetKernel();
        var wholeDir = Path.Combine(_root, $"{seed}-whole");
        var deltaDir = Path.Combine(_root, $"{seed}-delta");
        var whole = new RulesetManager(wholeKernel, new LastGoodStore(wholeDir), NullLogger<RulesetManager>.Instance);
        var delta = new RulesetManager(deltaKernel, new LastGoodStore(deltaDir), NullLogger<RulesetManager>.Instance);
        var web = new WebModel(new Random(seed));
        GatewayConfig? sent = null; // what the delta agent applied, as the web holds it (ApplyPump)
        var deltas = 0;
        var fallbacks = 0;
        var journalled = 0;
        var wholeStore = new LastGoodStore(wholeDir);
        var deltaStore = new LastGoodStore(deltaDir);
        for (var step = 1; step <= 40; step++)
        {
            var what = web.Edit();
            var config = web.Config();
            try
            {
                var a = await whole.ApplyAsync(step, Roundtrip(config));
                AppliedEvent b;
                if (sent is { } held && ConfigDelta.OneChange(held, config) is { } change)
                {
                    deltas++;
                    var body = AgentProtocol.Serialize(new ApplyDeltaRequest(step, delta.AppliedRevision, null, [change]));
                    var frame = (ApplyDeltaRequest)AgentProtocol.DeserializeRequest(body);
                    var apply = DeltaFrames.Resolve(frame, delta.AppliedRevision, delta.AppliedConfig, null, out var refusal);
                    Assert.True(apply is not null, refusal);
                    b = await delta.ApplyAsync(apply.Revision, apply.Config, new DeltaOrigin(frame.Base, delta.AppliedConfig!, body));
                }
                else
                {
                    fallbacks++;
                    b = await delta.ApplyAsync(step, Roundtrip(config));
                }

                sent = b.Ok ? config : null;
                Assert.Equal(a.Ok, b.Ok);
                Assert.Equal(a.Error, b.Error);
                Assert.Equal(wholeKernel.Replaced, deltaKernel.Replaced);
                Assert.Equal(wholeKernel.ElementUpdates, deltaKernel.ElementUpdates);
                Assert.Equal(wholeKernel.DeletedMarks, deltaKernel.DeletedMarks);
                Assert.Equal(whole.AppliedRevision, delta.AppliedRevision);
                Assert.Equal(Json(whole.AppliedConfig), Json(delta.AppliedConfig));
                var wholeStored = new LastGoodStore(wholeDir).Load();
                var recovered = new LastGoodStore(deltaDir).Load();
                Assert.Equal(whole.AppliedRevision, wholeStored?.Revision ?? 0);
                Assert.Equal(Json(whole.AppliedConfig), Json(wholeStored?.Config));
                Assert.Equal(wholeStored?.Revision, recovered?.Revision);
                Assert.Equal(Json(wholeStored?.Config), Json(recovered?.Config));
                if (File.Exists(deltaStore.JournalPath))
                {
                    journalled++;
                }
                else if (File.Exists(wholeStore.FilePath))
                {
                    Assert.Equal(File.ReadAllBytes(wholeStore.FilePath), File.ReadAllBytes(deltaStore.FilePath));
                }
            }
            catch (Xunit.Sdk.XunitException ex)
            {
                throw new Xunit.Sdk.XunitException($"seed {seed}, step {step} ({what}): {ex.Message}");
            }
        }

        // Both paths were walked: most edits are one item, some are not.
        Assert.True(deltas >= 20, $"seed {seed}: {deltas} deltas");
        Assert.True(fallbacks > 0, $"seed {seed}: no whole frames after the first");
        Assert.True(journalled > 0, $"seed {seed}: no step left a journal");
    }

    private static GatewayConfig Roundtrip(GatewayConfig config) =>
        JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(config, AgentJsonContext.Default.GatewayConfig), AgentJsonContext.Default.GatewayConfig)!;

    private static string Json(GatewayConfig? config) =>
        config is null ? "null" : JsonSerializer.Serialize(config, AgentJsonContext.Default.GatewayConfig);

    /// <summary>The web's lists as its REST API keeps them: id order (rules in run order), a new row gets the next id.</summary>
    private sealed class WebModel(Random random)
    {
        private readonly NetworkSettings _network = new("wan0", "br-lan", "192.168.1.1/24");
        private readonly List<PortForward> _forwards = [];
        private readonly List<MacFilter> _macs = [];
        private readonly List<TrafficRule> _rules = [];
        private MacFilterMode _mode = MacFilterMode.DenyListed;
        private (string List, int Id)? _broken;

        public GatewayConfig Config() => new(
            _network, [.. _forwards], [.. _macs], new MacPolicy(_mode), LoggingPolicy.Default)
        { Rules = [.. _rules] };

        public string Edit()
        {
            if (_broken is { } broken)
            {
                // Last step left an invalid item in the desired state: the owner fixes it.
                _broken = null;
                var at = _forwards.FindIndex(f => f.Id == broken.Id);
                _forwards[at] = _forwards[at] with { InternalAddress = "192.168.1.50" };
                return $"fix forward {broken.Id}";
            }

            return random.Next(20) switch
            {
                0 or 1 or 2 => AddForward(),
                3 or 4 => _forwards.Count == 0 ? AddForward() : UpdateForward(),
                5 => _forwards.Count == 0 ? AddForward() : Delete(_forwards, f => f.Id, "forward"),
                6 => AddMac(),
                7 => _macs.Count == 0 ? AddMac() : UpdateMac(),
                8 => _macs.Count < 2 ? AddMac() : Delete(_macs, m => m.Id, "mac"),
                9 or 10 => AddRule(),
                11 => _rules.Count == 0 ? AddRule() : UpdateRule(),
                12 => _rules.Count == 0 ? AddRule() : Delete(_rules, r => r.Id, "rule"),
                13 => MoveRule(),
                14 => $"{AddForward()} and {AddRule()}",
                15 => ToggleMode(),
                16 => BreakForward(),
                _ => _forwards.Count == 0 ? AddForward() : UpdateForward(),
            };
        }

        private static int NextId<T>(List<T> list, Func<T, int> id) => list.Count == 0 ? 1 : list.Max(id) + 1;

        private int FreePort()
        {
            while (true)
            {
                var port = random.Next(1024, 60000);
                if (!_forwards.Exists(f => f.ExternalPort == port))
                {
                    return port;
                }
            }
        }

        private string AddForward()
        {
            var id = NextId(_forwards, f => f.Id);
            _forwards.Add(new PortForward(id, $"fwd {id}", true, random.Next(2) == 0 ? ForwardProtocol.Tcp : ForwardProtocol.Udp, FreePort(), null, $"192.168.1.{random.Next(2, 250)}", null, null));
            return $"add forward {id}";
        }

        private string UpdateForward()
        {
            var at = random.Next(_forwards.Count);
            var old = _forwards[at];
            _forwards[at] = random.Next(4) switch
            {
                0 => old with { ExternalPort = FreePort() },
                1 => old with { InternalAddress = $"192.168.1.{random.Next(2, 250)}" },
                2 => old with { Enabled = !old.Enabled },
                _ => old with { Name = $"renamed {random.Next(1000)}" },
            };
            return $"update forward {old.Id}";
        }

        private string BreakForward()
        {
            if (_forwards.Count == 0)
            {
                return AddForward();
            }

            var at = random.Next(_forwards.Count);
            _forwards[at] = _forwards[at] with { InternalAddress = "not an address" };
            _broken = ("portForwards", _forwards[at].Id);
            return $"break forward {_forwards[at].Id}";
        }

        private string AddMac()
        {
            var id = NextId(_macs, m => m.Id);
            _macs.Add(new MacFilter(id, $"02:00:00:00:{id / 256:x2}:{id % 256:x2}", $"mac {id}", random.Next(4) != 0));
            return $"add mac {id}";
        }

        private string UpdateMac()
        {
            var at = random.Next(_macs.Count);
            // Disabling the last enabled MAC under allow-listed is refused; renamed only then.
            var disable = _mode != MacFilterMode.AllowListed || _macs.Count(m => m.Enabled) > 1;
            _macs[at] = _macs[at] with { Enabled = disable ? !_macs[at].Enabled : _macs[at].Enabled, Name = $"mac {random.Next(1000)}" };
            return $"update mac {_macs[at].Id}";
        }

        private string AddRule()
        {
            var id = NextId(_rules, r => r.Id);
            _rules.Add(new TrafficRule(id, $"rule {id}", true, RuleChain.Forward, RuleFamily.Any, "br-lan", null, RuleProtocol.Tcp, null, null, random.Next(1, 65535), null, null, random.Next(2) == 0 ? RuleAction.Drop : RuleAction.Accept, null, null, null));
            return $"add rule {id}";
        }

        private string UpdateRule()
        {
            var at = random.Next(_rules.Count);
            var old = _rules[at];
            _rules[at] = random.Next(2) == 0 ? old with { DestinationPort = random.Next(1, 65535) } : old with { Enabled = !old.Enabled };
            return $"update rule {old.Id}";
        }

        private string MoveRule()
        {
            if (_rules.Count < 2)
            {
                return AddRule();
            }

            var rule = _rules[^1];
            _rules.RemoveAt(_rules.Count - 1);
            _rules.Insert(0, rule);
            return $"move rule {rule.Id} first";
        }

        private string ToggleMode()
        {
            // Allow-listed with no enabled MAC is refused (it would cut off the LAN): off instead.
            _mode = _mode != MacFilterMode.DenyListed ? MacFilterMode.DenyListed : _macs.Exists(m => m.Enabled) ? MacFilterMode.AllowListed : MacFilterMode.Off;
            return $"mac mode {_mode}";
        }

        private string Delete<T>(List<T> list, Func<T, int> id, string what)
        {
            var at = random.Next(list.Count);
            var gone = id(list[at]);
            list.RemoveAt(at);
            return $"delete {what} {gone}";
        }
    }
}
