using Gateway.Shared.Config;

namespace Gateway.Web.Data.Entities;

/// <summary>A static DHCP lease; the MAC is stored lower case with ':'.</summary>
public sealed class StaticLeaseEntity : IListEntity<StaticLease>
{
    public int Id { get; set; }

    public required string Name { get; set; }

    public required string Mac { get; set; }

    public required string Address { get; set; }

    public bool Enabled { get; set; }

    public StaticLease ToRecord() => new(Id, Name, Mac, Address, Enabled);

    public void CopyFrom(StaticLease lease)
    {
        Name = lease.Name;
        Mac = lease.Mac;
        Address = lease.Address;
        Enabled = lease.Enabled;
    }

    public static StaticLeaseEntity From(StaticLease lease)
    {
        var entity = new StaticLeaseEntity { Name = lease.Name, Mac = lease.Mac, Address = lease.Address };
        entity.CopyFrom(lease);
        return entity;
    }
}
