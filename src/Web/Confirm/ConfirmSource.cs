namespace Gateway.Web.Confirm;

/// <summary>Who is writing, which decides whether a desired-state write is applied with a rollback timer.</summary>
public enum ConfirmSource
{
    /// <summary>The panel (any scope nobody marked): risky writes always get <see cref="ApplyOptions.ConfirmSeconds"/>.</summary>
    Panel,

    /// <summary>A REST request: a window only when it says <c>?confirm=&lt;seconds&gt;</c>.</summary>
    Rest,

    /// <summary>Storing the agent's revert: never confirmed, and it ends any request for one not yet sent.</summary>
    Revert,
}
