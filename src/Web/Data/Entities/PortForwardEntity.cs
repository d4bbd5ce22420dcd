using Gateway.Shared.Config;

namespace Gateway.Web.Data.Entities;

/// <summary>
/// A port forward. Its id becomes the conntrack mark in the agent, so ids come from an AUTOINCREMENT
/// column and are never reused after a delete.
/// </summary>
public sealed class PortForwardEntity : IListEntity<PortForward>
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

    /// <summary>Kept equal to <c>Helper == Ftp</c> on every write, so older readers of the column still see FTP forwards.</summary>
    public bool FtpHelper { get; set; }

    /// <summary>The conntrack helper on this forward's traffic; null for none.</summary>
    public ConntrackHelper? Helper { get; set; }

    public FirewallLogLevel? LogLevel { get; set; }

    /// <summary>Both spellings of the helper, consistent: <c>ftpHelper</c> is true exactly when <c>helper</c> is ftp.</summary>
    public PortForward ToRecord()
    {
        var helper = Helper ?? (FtpHelper ? ConntrackHelper.Ftp : null);
        return new(
            Id, Name, Enabled, Protocol, ExternalPort, ExternalPortEnd, InternalAddress, InternalPort, SourceCidr, Reflection,
            helper == ConntrackHelper.Ftp, LogLevel, helper);
    }

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
        Helper = forward.EffectiveHelper;
        FtpHelper = Helper == ConntrackHelper.Ftp;
        LogLevel = forward.LogLevel;
    }

    public static PortForwardEntity From(PortForward forward)
    {
        var entity = new PortForwardEntity { Name = forward.Name, InternalAddress = forward.InternalAddress };
        entity.CopyFrom(forward);
        return entity;
    }
}
