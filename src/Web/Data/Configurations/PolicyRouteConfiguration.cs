using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gateway.Web.Data.Configurations;

internal sealed class PolicyRouteConfiguration : IEntityTypeConfiguration<PolicyRouteEntity>
{
    public void Configure(EntityTypeBuilder<PolicyRouteEntity> builder)
    {
        builder.ToTable("PolicyRoutes");
        // AUTOINCREMENT (not plain rowid) so a deleted route's id, its conntrack mark, never comes back.
        builder.Property(e => e.Id).ValueGeneratedOnAdd().HasAnnotation("Sqlite:Autoincrement", true);
        builder.Property(e => e.Name).HasMaxLength(64);
        builder.Property(e => e.Source).HasMaxLength(18);
        builder.Property(e => e.OutInterface).HasMaxLength(16);
        builder.Property(e => e.Gateway).HasMaxLength(15);
    }
}
