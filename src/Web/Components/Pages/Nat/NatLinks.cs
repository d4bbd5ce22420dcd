using System.Linq.Expressions;
using Gateway.Shared.Protocol;
using Gateway.Web.State;
using Microsoft.AspNetCore.Components.Forms;
using Gateway.Web.AgentLink;

namespace Gateway.Web.Components.Pages.Nat;

/// <summary>What the NAT forms' interface pickers share: the agent's links, and their server messages.</summary>
internal static class NatLinks
{
    public static async Task<(IReadOnlyList<LinkInfo>? Links, string? Error)> LoadAsync(AgentClient link)
    {
        try
        {
            return (await link.GetInterfacesAsync(), null);
        }
        catch (AgentUnavailableException)
        {
            return (null, "The agent is not connected, so the links can't be listed; type a name.");
        }
    }

    // The pickers are not InputBase fields: read their server messages from the form's context.
    public static string? Message(EditContext form, Expression<Func<string?>> field)
    {
        var messages = form.GetValidationMessages(FieldIdentifier.Create(field)).ToList();
        return messages.Count == 0 ? null : string.Join(" ", messages);
    }
}
