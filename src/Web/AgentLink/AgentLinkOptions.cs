namespace Gateway.Web.AgentLink;

/// <summary>Settings of the link to the agent (section <c>Agent</c>; only SocketPath is meant for operators).</summary>
public sealed class AgentLinkOptions
{
    public const string DefaultSocketPath = "/run/gateway/agent.sock";

    public string SocketPath { get; set; } = DefaultSocketPath;

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>An apply unanswered this long is treated as lost, so a newer revision may be sent.</summary>
    public TimeSpan ApplyTimeout { get; set; } = TimeSpan.FromSeconds(60);

    public TimeSpan MinReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(5);

    public int LogCapacity { get; set; } = 1000;

    /// <summary>How far back <see cref="AgentClient.TotalHistory"/> reaches (one point a second).</summary>
    public TimeSpan HistoryRetention { get; set; } = TimeSpan.FromMinutes(10);
}
