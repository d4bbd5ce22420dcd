using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gateway.Web.Data.Configurations;

internal sealed class MacFilterConfiguration : IEntityTypeConfiguration<MacFilterEntity>
{
    public void Configure(EntityTypeBuilder<MacFilterEntity> builder)
    {
        builder.ToTable("MacFilters");
        builder.Property(e => e.Id).ValueGeneratedOnAdd().HasAnnotation("Sqlite:Autoincrement", true);
        builder.Property(e => e.Mac).HasMaxLength(17);
        builder.Property(e => e.Name).HasMaxLength(64);
        builder.HasIndex(e => e.Mac).IsUnique();
    }
}
