using Gateway.Shared.Config;

namespace Gateway.Web.Data.Entities;

/// <summary>
/// A port forward. Its id becomes the conntrack mark in the agent, so ids come from an AUTOINCREMENT
/// column and are never reused after a delete.
/// </summary>
public sealed class PortForwardEntity
{
    public int Id { get; set; }

    public required string Name { get; set; }

    public bool Enabled { get; set; }

    public ForwardProtocol Protocol { get; set; }

    public int ExternalPort { get; set; }

    public int? ExternalPortEnd { get; set; }

    public required string InternalAddress { get; set; }

    public int? InternalPort { get; set; }

    public string? SourceCidr { get; set; }

    public bool Reflection { get; set; }

    public bool FtpHelper { get; set; }

    public FirewallLogLevel? LogLevel { get; set; }

    public PortForward ToRecord() => new(
        Id, Name, Enabled, Protocol, ExternalPort, ExternalPortEnd, InternalAddress, InternalPort, SourceCidr, Reflection, FtpHelper, LogLevel);

    public void CopyFrom(PortForward forward)
    {
        Name = forward.Name;
        Enabled = forward.Enabled;
        Protocol = forward.Protocol;
        ExternalPort = forward.ExternalPort;
        ExternalPortEnd = forward.ExternalPortEnd;
        InternalAddress = forward.InternalAddress;
        InternalPort = forward.InternalPort;
        SourceCidr = forward.SourceCidr;
        Reflection = forward.Reflection;
        FtpHelper = forward.FtpHelper;
        LogLevel = forward.LogLevel;
    }

    public static PortForwardEntity From(PortForward forward)
    {
        var entity = new PortForwardEntity { Name = forward.Name, InternalAddress = forward.InternalAddress };
        entity.CopyFrom(forward);
        return entity;
    }
}
