using Gateway.Shared.Config;
using Gateway.Shared.Validation;
using Gateway.Web.Auth;
using Gateway.Web.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Gateway.Web.State;

/// <summary>The one-shot first-run setup: admin password, network, and DHCP and DNS for the LAN. There are no default credentials.</summary>
public sealed class SetupService(
    StateWriter writer,
    SetupState state,
    LoginTickets tickets,
    IPasswordHasher<AdminUserEntity> hasher,
    TimeProvider time)
{
    public Task<bool> IsCompletedAsync(CancellationToken ct = default) => state.IsCompletedAsync(ct).AsTask();

    /// <summary>On success the value is a one-time login ticket for <c>GET /account/ticket?t=…</c>.</summary>
    public async Task<Outcome<string>> CompleteAsync(SetupInput input, CancellationToken ct = default)
    {
        if (await state.IsCompletedAsync(ct))
        {
            return AlreadyDone();
        }

        var errors = new ValidationErrors();
        if (AdminPassword.Check(input?.AdminPassword) is { } passwordError)
        {
            errors.Add("adminPassword", passwordError);
        }

        // No lanIpv6 is IPv6 off, the closed state; "" is a mistake (400), as in PUT /network.
        var network = new NetworkSettings(
            input?.WanInterface!, input?.LanInterface!, input?.LanAddress!, input?.Masquerade ?? true, input?.LanIpv6);
        ConfigValidator.ValidateNetwork(network, errors);

        // A fresh router serves its LAN: DHCP on (the default range unless the body says otherwise) and DNS on.
        var dhcp = (input?.Dhcp ?? new DhcpInput(null, null, null, null, null)).ToSettings(errors.Has("lanAddress") ? null : network.LanAddress);
        ConfigValidator.ValidateDhcp(dhcp, errors.Has("lanAddress") ? null : network, errors, "dhcp");
        // The uplink as the wizard's WAN step chose it; without one, unmanaged (the host's networking, as before).
        var wan = (input?.Wan ?? new WanInput(null, null, null, null, null, null)).ToSettings();
        ConfigValidator.ValidateWan(wan, errors.Has("lanAddress") || errors.Has("wanInterface") ? null : network, errors, "wan");
        if (!errors.IsValid)
        {
            return Outcome<string>.Invalid(errors);
        }

        var now = time.GetUtcNow();
        var outcome = await writer.WriteAsync(async (db, c) =>
        {
            // Checked again inside the write transaction: two racing setups can't both win.
            if (await db.AdminUsers.AnyAsync(c))
            {
                return AlreadyDone();
            }

            var admin = new AdminUserEntity { PasswordHash = "", CreatedAt = now, PasswordChangedAt = now };
            admin.PasswordHash = hasher.HashPassword(admin, input!.AdminPassword!);
            db.AdminUsers.Add(admin);
            db.Network.Add(NetworkSettingsEntity.From(NetworkService.Canonical(network)));
            (await db.Dhcp.SingleAsync(c)).CopyFrom(dhcp);
            (await db.Dns.SingleAsync(c)).CopyFrom(DnsSettings.Default);
            (await db.Wan.SingleAsync(c)).CopyFrom(WanService.Canonical(wan));
            return Outcome<string>.Ok("");
        }, ct);

        if (!outcome.Succeeded)
        {
            return outcome;
        }

        state.MarkCompleted();
        return Outcome<string>.Created(tickets.Issue());
    }

    private static Outcome<string> AlreadyDone() => Outcome<string>.Conflict("Setup has already been completed.");
}
