using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gateway.Web.Data.Configurations;

internal sealed class PinholeConfiguration : IEntityTypeConfiguration<PinholeEntity>
{
    public void Configure(EntityTypeBuilder<PinholeEntity> builder)
    {
        builder.ToTable("Pinholes");
        // AUTOINCREMENT (not plain rowid) so a deleted pinhole's id, its conntrack mark, never comes back.
        builder.Property(e => e.Id).ValueGeneratedOnAdd().HasAnnotation("Sqlite:Autoincrement", true);
        builder.Property(e => e.Name).HasMaxLength(64);
        builder.Property(e => e.Protocol).HasConversion<string>().HasMaxLength(8);
        builder.Property(e => e.HostSuffix).HasMaxLength(39);
        builder.Property(e => e.Mac).HasMaxLength(17);
        builder.Property(e => e.SourceCidr).HasMaxLength(43);
    }
}
