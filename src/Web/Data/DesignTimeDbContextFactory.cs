using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Gateway.Web.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting the web (no folders, no socket).</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<GatewayDbContext>
{
    public GatewayDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<GatewayDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
