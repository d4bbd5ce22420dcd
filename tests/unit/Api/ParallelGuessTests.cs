using System.Net;
using System.Net.Http.Json;

namespace Gateway.Tests.Unit.Api;

/// <summary>The throttle holds against a burst of simultaneous guesses, not only against one guess after another.</summary>
public sealed class ParallelGuessTests(ReadyGatewayApplication app) : IClassFixture<ReadyGatewayApplication>
{
    [Fact]
    public async Task Twenty_simultaneous_wrong_passwords_get_at_most_five_password_checks()
    {
        // Enough pool threads that the twenty requests really are in flight together (on two cores the pool
        // would otherwise start them nearly one by one and hide the race).
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), io);
        using var start = new SemaphoreSlim(0);
        var guesses = Enumerable.Range(0, 20).Select(async i =>
        {
            using var client = app.CreateApiClient();
            client.DefaultRequestHeaders.Authorization = GatewayApplication.BasicHeader("admin", $"wrong guess {i}");
            await start.WaitAsync();
            return (await client.PostAsJsonAsync("/api/v1/tokens", new { name = "x" })).StatusCode;
        }).ToList();
        start.Release(guesses.Count);

        var codes = await Task.WhenAll(guesses);

        Assert.Equal(5, codes.Count(c => c == HttpStatusCode.Unauthorized));
        Assert.Equal(15, codes.Count(c => c == HttpStatusCode.TooManyRequests));

        // A client can't pick its own throttle key: forwarding headers are not trusted (no proxy in front).
        using var spoofing = app.CreateApiClient();
        spoofing.DefaultRequestHeaders.Authorization = GatewayApplication.BasicHeader("admin", "one more guess");
        spoofing.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.77");
        spoofing.DefaultRequestHeaders.Add("X-Real-IP", "198.51.100.78");
        spoofing.DefaultRequestHeaders.Add("Forwarded", "for=198.51.100.79");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await spoofing.PostAsJsonAsync("/api/v1/tokens", new { name = "x" })).StatusCode);
    }
}
