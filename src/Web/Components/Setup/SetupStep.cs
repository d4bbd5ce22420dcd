namespace Gateway.Web.Components.Setup;

public enum SetupStep
{
    Welcome,
    Interfaces,
    Lan,
    Review,
}
