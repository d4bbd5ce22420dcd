namespace Gateway.Tests.E2e.Lab;

/// <summary>
/// One lab shared by the tests of a class (xunit <c>IClassFixture</c>): started once, set up over REST,
/// disposed after the class. Subclasses pick the options (a <c>ppp0</c> WAN link, a name for the artifacts).
/// </summary>
public class LabFixture : IAsyncLifetime
{
    private Lab? _lab;
    private HttpClient? _api;

    public Lab Lab => _lab ?? throw new InvalidOperationException("The lab did not start.");

    /// <summary>A client with an API token; the lab is set up (masquerade on) before the first test.</summary>
    public HttpClient Api => _api ?? throw new InvalidOperationException("The lab was not set up.");

    /// <summary>Default: artifacts named after the test class that nests the fixture (or the fixture itself).</summary>
    protected virtual LabOptions Options => new() { Name = (GetType().DeclaringType ?? GetType()).Name };

    /// <summary>The WAN interface setting sent at setup; null for the lab's own link name.</summary>
    protected virtual string? WanInterfaceSetting => null;

    public async Task InitializeAsync()
    {
        _lab = await Lab.StartAsync(Options);
        try
        {
            _api = await _lab.SetupAsync(masquerade: true, wanInterface: WanInterfaceSetting);
            await OnSetUpAsync();
        }
        catch
        {
            // Whether or not the runner disposes a fixture whose start failed, the lab must go.
            await _lab.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs once after setup: start servers the whole class uses.</summary>
    protected virtual Task OnSetUpAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_lab is not null)
        {
            await _lab.DisposeAsync();
        }
    }
}
