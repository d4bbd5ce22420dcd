using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gateway.Web.Data.Configurations;

internal sealed class UpnpSettingsConfiguration : IEntityTypeConfiguration<UpnpSettingsEntity>
{
    public void Configure(EntityTypeBuilder<UpnpSettingsEntity> builder)
    {
        builder.ToTable("Upnp");
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.AllowedPorts).HasMaxLength(16);
        // Off: it lets LAN programs open ports from the internet, so only the owner turns it on.
        builder.HasData(new UpnpSettingsEntity { Id = SingletonRow.Id, DeniedPorts = "[21,23,135,\"137-139\",445,3389]" });
    }
}
