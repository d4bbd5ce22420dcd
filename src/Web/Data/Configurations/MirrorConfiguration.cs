using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gateway.Web.Data.Configurations;

internal sealed class MirrorConfiguration : IEntityTypeConfiguration<MirrorEntity>
{
    public void Configure(EntityTypeBuilder<MirrorEntity> builder)
    {
        builder.ToTable("Mirrors");
        // AUTOINCREMENT: a mirror's id names its chains, so a deleted mirror's id never comes back as another's.
        builder.Property(e => e.Id).ValueGeneratedOnAdd().HasAnnotation("Sqlite:Autoincrement", true);
        builder.Property(e => e.Name).HasMaxLength(64);
        builder.Property(e => e.Interface).HasMaxLength(16);
        builder.Property(e => e.ToInterface).HasMaxLength(16);
        builder.Property(e => e.Direction).HasConversion<string>().HasMaxLength(8);
        builder.Property(e => e.Source).HasMaxLength(43);
        builder.Property(e => e.Destination).HasMaxLength(43);
    }
}
