using Gateway.Shared.Config;
using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gateway.Web.Data.Configurations;

internal sealed class MacPolicyConfiguration : IEntityTypeConfiguration<MacPolicyEntity>
{
    public void Configure(EntityTypeBuilder<MacPolicyEntity> builder)
    {
        builder.ToTable("MacPolicy");
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.Mode).HasConversion<string>().HasMaxLength(16);
        builder.HasData(new MacPolicyEntity { Id = SingletonRow.Id, Mode = MacFilterMode.Off });
    }
}
