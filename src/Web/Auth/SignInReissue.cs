namespace Gateway.Web.Auth;

/// <summary>
/// Per circuit: set when this circuit changed the password and is on its way to re-issue its cookie, so
/// <c>SessionGuard</c> doesn't race that navigation with one to the login form.
/// </summary>
public sealed class SignInReissue
{
    public bool Pending { get; private set; }

    public void Begin() => Pending = true;
}
