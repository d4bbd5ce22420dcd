namespace Gateway.Web.Components.Setup;

public enum SetupStep
{
    Welcome,
    Interfaces,
    Wan,
    Lan,
    Review,
}
