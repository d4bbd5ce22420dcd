using Gateway.Shared.Config;

namespace Gateway.Web.Data.Entities;

/// <summary>
/// A 1:1 NAT entry. Its id goes into the entry's conntrack mark (<c>CtMarks.OneToOne</c>), so ids come from an
/// AUTOINCREMENT column and are never reused after a delete.
/// </summary>
public sealed class OneToOneEntity : IListEntity<OneToOneNat>
{
    public int Id { get; set; }

    public required string Name { get; set; }

    public bool Enabled { get; set; }

    public required string ExternalAddress { get; set; }

    public required string InternalAddress { get; set; }

    public bool AddAddress { get; set; }

    public OneToOneNat ToRecord() => new(Id, Name, Enabled, ExternalAddress, InternalAddress, AddAddress);

    public void CopyFrom(OneToOneNat entry)
    {
        Name = entry.Name;
        Enabled = entry.Enabled;
        ExternalAddress = entry.ExternalAddress;
        InternalAddress = entry.InternalAddress;
        AddAddress = entry.AddAddress;
    }

    public static OneToOneEntity From(OneToOneNat entry)
    {
        var entity = new OneToOneEntity { Name = entry.Name, ExternalAddress = entry.ExternalAddress, InternalAddress = entry.InternalAddress };
        entity.CopyFrom(entry);
        return entity;
    }
}
