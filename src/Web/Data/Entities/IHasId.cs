namespace Gateway.Web.Data.Entities;

/// <summary>A list item with an AUTOINCREMENT id (a restore sets ids itself, see ConfigService).</summary>
public interface IHasId
{
    int Id { get; set; }
}
