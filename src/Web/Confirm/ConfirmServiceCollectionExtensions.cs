namespace Gateway.Web.Confirm;

public static class ConfirmServiceCollectionExtensions
{
    /// <summary>Commit-confirmed apply: the per-scope choice, <c>Apply:ConfirmSeconds</c>, and the revert recorder.</summary>
    public static IServiceCollection AddCommitConfirmed(this IServiceCollection services, IConfiguration applySection)
    {
        services.AddOptions<ApplyOptions>()
            .Bind(applySection)
            .Validate(o => o.ConfirmSeconds is >= ApplyOptions.MinConfirmSeconds and <= ApplyOptions.MaxConfirmSeconds,
                $"Apply:ConfirmSeconds must be {ApplyOptions.MinConfirmSeconds}–{ApplyOptions.MaxConfirmSeconds}.")
            .ValidateOnStart();
        services.AddScoped<ApplyConfirmation>();
        services.AddSingleton<RevertRecorder>();
        services.AddHostedService(provider => provider.GetRequiredService<RevertRecorder>());
        return services;
    }
}
