namespace Gateway.Web.Data.Entities;

/// <summary>A row of a list resource's table: the record it stores, and a whole-record update in place.</summary>
public interface IListEntity<TRecord> : IHasId
{
    TRecord ToRecord();

    void CopyFrom(TRecord record);
}
