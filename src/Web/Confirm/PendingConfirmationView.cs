using Gateway.Shared.Protocol;

namespace Gateway.Web.Confirm;

/// <summary><c>pendingConfirmation</c> in <c>GET /api/v1/status</c>: the revision waiting, and its deadline in UTC.</summary>
public sealed record PendingConfirmationView(long Revision, DateTime Deadline)
{
    public static PendingConfirmationView? Of(PendingConfirmation? pending) =>
        pending is null ? null : new(pending.Revision, pending.Deadline.UtcDateTime);
}
