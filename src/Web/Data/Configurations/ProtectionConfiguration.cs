using Gateway.Shared.Config;
using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gateway.Web.Data.Configurations;

internal sealed class ProtectionConfiguration : IEntityTypeConfiguration<ProtectionEntity>
{
    public void Configure(EntityTypeBuilder<ProtectionEntity> builder)
    {
        builder.ToTable("Protection");
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.WanInput).HasConversion<string>().HasMaxLength(8);
        // An existing router upgrading gets the closed defaults too, not a weaker state.
        var defaults = new ProtectionEntity { Id = SingletonRow.Id };
        defaults.CopyFrom(Protection.Default);
        builder.HasData(defaults);
    }
}
