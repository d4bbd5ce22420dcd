namespace Gateway.Web.Data.Entities;

/// <summary>One device's bytes in one hour or one day (UTC), starting at <see cref="Start"/> (Unix seconds).</summary>
public sealed class DeviceTrafficEntity
{
    public required string Mac { get; set; }

    /// <summary>"hour" or "day".</summary>
    public required string Bucket { get; set; }

    public long Start { get; set; }

    public long RxBytes { get; set; }

    public long TxBytes { get; set; }
}
