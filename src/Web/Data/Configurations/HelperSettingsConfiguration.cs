using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gateway.Web.Data.Configurations;

internal sealed class HelperSettingsConfiguration : IEntityTypeConfiguration<HelperSettingsEntity>
{
    public void Configure(EntityTypeBuilder<HelperSettingsEntity> builder)
    {
        builder.ToTable("Helpers");
        builder.Property(e => e.Id).ValueGeneratedNever();
        // 8 helpers of at most 6 letters and their commas.
        builder.Property(e => e.Outbound).HasMaxLength(64);
        // An upgrading router starts with no outbound helpers: the behaviour it had before.
        builder.HasData(new HelperSettingsEntity { Id = SingletonRow.Id, Outbound = "" });
    }
}
