using Gateway.Agent.State;
using Gateway.Shared.Config;

namespace Gateway.Tests.Unit.Agent;

public sealed class LastGoodStoreTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"gw-lastgood-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static GatewayConfig Config(string name) => new(
        new NetworkSettings("ppp*", "br-lan", "192.168.1.1/24"),
        [new PortForward(3, name, true, ForwardProtocol.Both, 9000, 9002, "192.168.1.40", 7000, "203.0.113.0/24", FtpHelper: false, LogLevel: FirewallLogLevel.Notice)],
        [new MacFilter(1, "02:00:00:00:00:01", "tv")],
        new MacPolicy(MacFilterMode.AllowListed),
        new LoggingPolicy(DroppedInput: FirewallLogLevel.Warn));

    [Fact]
    public void Nothing_stored_loads_as_null()
    {
        Assert.Null(new LastGoodStore(_directory).Load());
    }

    [Fact]
    public void A_saved_snapshot_loads_back_equal_and_leaves_no_temp_file()
    {
        var store = new LastGoodStore(_directory);

        store.Save(new LastGood(7, Config("first")));
        store.Save(new LastGood(8, Config("second")));
        var loaded = store.Load();

        Assert.NotNull(loaded);
        Assert.Equal(8, loaded.Revision);
        Assert.Equal("second", loaded.Config.PortForwards[0].Name);
        Assert.Equal(Config("second").Network, loaded.Config.Network);
        Assert.Equal(Config("second").PortForwards[0], loaded.Config.PortForwards[0]);
        Assert.Equal(Config("second").MacFilters[0], loaded.Config.MacFilters[0]);
        Assert.Equal(Config("second").Logging, loaded.Config.Logging);
        Assert.Equal([LastGoodStore.FileName], Directory.GetFiles(_directory).Select(Path.GetFileName));
    }

    [Fact]
    public void A_corrupt_file_is_reported_as_invalid_data()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(Path.Combine(_directory, LastGoodStore.FileName), "{\"type\":\"apply\",\"revision\":");

        Assert.Throws<InvalidDataException>(() => new LastGoodStore(_directory).Load());
    }

    [Fact]
    public void A_file_holding_another_frame_is_refused()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(Path.Combine(_directory, LastGoodStore.FileName), "{\"type\":\"hello\",\"protocol\":1}");

        Assert.Throws<InvalidDataException>(() => new LastGoodStore(_directory).Load());
    }
}
