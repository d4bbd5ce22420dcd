namespace Gateway.Web.State;

/// <summary>The admin password rule: at least 10 characters; an upper bound keeps hashing cheap to refuse.</summary>
public static class AdminPassword
{
    public const int MinLength = 10;
    public const int MaxLength = 512;

    public static string? Check(string? password) => password switch
    {
        null or "" => "Required.",
        { Length: < MinLength } => $"At least {MinLength} characters.",
        { Length: > MaxLength } => $"At most {MaxLength} characters.",
        _ => null,
    };
}
