using Gateway.Shared.Config;
using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gateway.Web.Data.Configurations;

internal sealed class LoggingPolicyConfiguration : IEntityTypeConfiguration<LoggingPolicyEntity>
{
    public void Configure(EntityTypeBuilder<LoggingPolicyEntity> builder)
    {
        builder.ToTable("LoggingPolicy");
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.DroppedInput).HasConversion<string>().HasMaxLength(8);
        builder.Property(e => e.DroppedForward).HasConversion<string>().HasMaxLength(8);
        builder.Property(e => e.PortForwards).HasConversion<string>().HasMaxLength(8);
        builder.Property(e => e.MacFilter).HasConversion<string>().HasMaxLength(8);
        builder.Property(e => e.Dos).HasConversion<string>().HasMaxLength(8);
        var defaults = new LoggingPolicyEntity { Id = SingletonRow.Id };
        defaults.CopyFrom(LoggingPolicy.Default);
        builder.HasData(defaults);
    }
}
