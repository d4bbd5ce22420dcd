namespace Gateway.Web.Data.Entities;

/// <summary>Tables that hold exactly one row use this id.</summary>
public static class SingletonRow
{
    public const int Id = 1;
}
