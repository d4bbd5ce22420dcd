using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gateway.Web.Data.Configurations;

internal sealed class PortForwardConfiguration : IEntityTypeConfiguration<PortForwardEntity>
{
    public void Configure(EntityTypeBuilder<PortForwardEntity> builder)
    {
        builder.ToTable("PortForwards");
        // AUTOINCREMENT (not plain rowid) so a deleted forward's id, its conntrack mark, never comes back.
        builder.Property(e => e.Id).ValueGeneratedOnAdd().HasAnnotation("Sqlite:Autoincrement", true);
        builder.Property(e => e.Name).HasMaxLength(64);
        builder.Property(e => e.Protocol).HasConversion<string>().HasMaxLength(8);
        builder.Property(e => e.InternalAddress).HasMaxLength(15);
        builder.Property(e => e.SourceCidr).HasMaxLength(18);
        builder.Property(e => e.Helper).HasConversion<string>().HasMaxLength(8);
        builder.Property(e => e.LogLevel).HasConversion<string>().HasMaxLength(8);
        builder.HasIndex(e => e.ExternalPort);
    }
}
