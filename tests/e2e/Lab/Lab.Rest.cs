using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Shared.Protocol;

namespace Gateway.Tests.E2e.Lab;

/// <summary>The lab's REST side: setup, API clients (also from inside a lab host), and waiting for an apply.</summary>
public sealed partial class Lab
{
    /// <summary>
    /// Completes setup over REST (LAN br-lan 192.168.50.1/24, WAN <paramref name="wanInterface"/> or the lab's
    /// WAN link), creates an API token, waits until the agent applied the first ruleset, and returns a
    /// client with the token and the web's base address. <paramref name="setupClient"/> sends the setup
    /// request itself (a client in a LAN host, <see cref="CreateClientIn"/>); by default the test process does.
    /// </summary>
    public async Task<HttpClient> SetupAsync(bool masquerade = true, string? wanInterface = null, HttpClient? setupClient = null)
    {
        using var anonymous = new HttpClient(CreateHandler(WebInRouterNamespace ? RouterNs : null)) { BaseAddress = new Uri(WebUrl) };
        using (var setup = await (setupClient ?? anonymous).PostAsJsonAsync("/api/v1/setup", new
        {
            adminPassword = AdminPassword,
            wanInterface = wanInterface ?? WanInterface,
            lanInterface = LanInterface,
            lanAddress = LanCidr,
            masquerade,
        }))
        {
            await ApiExtensions.ExpectStatusAsync(setup, HttpStatusCode.Created, "POST /api/v1/setup");
        }

        using var tokenRequest = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tokens")
        {
            Content = JsonContent.Create(new { name = "e2e" }),
        };
        tokenRequest.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{AdminPassword}")));
        using var tokenResponse = await anonymous.SendAsync(tokenRequest);
        await ApiExtensions.ExpectStatusAsync(tokenResponse, HttpStatusCode.Created, "POST /api/v1/tokens");
        var token = (await tokenResponse.Content.ReadFromJsonAsync<JsonObject>())?["token"]?.GetValue<string>()
            ?? throw new InvalidOperationException("POST /api/v1/tokens returned no token.");

        var api = CreateClient(token);
        await WaitAppliedAsync(api);
        return api;
    }

    /// <summary>A client for the web with the given bearer token (disposed with the lab).</summary>
    public HttpClient CreateClient(string? token = null) =>
        Track(new HttpClient(CreateHandler(WebInRouterNamespace ? RouterNs : null))
        {
            BaseAddress = new Uri(WebUrl),
            Timeout = TimeSpan.FromSeconds(30),
        }, token);

    /// <summary>
    /// A client whose connections start in lab host <paramref name="ns"/> and go to the web at
    /// <paramref name="routerIp"/> (only with <see cref="LabOptions.WebInRouterNamespace"/>): the web sees that
    /// host's address and the router's firewall sees its packets.
    /// </summary>
    public HttpClient CreateClientIn(string ns, string routerIp, TimeSpan? timeout = null, string? token = null)
    {
        if (!WebInRouterNamespace)
        {
            throw new InvalidOperationException("Lab hosts reach the web only when it runs in the router namespace.");
        }

        return Track(new HttpClient(CreateHandler(ns))
        {
            BaseAddress = new Uri($"http://{routerIp}:{WebPort}"),
            Timeout = timeout ?? TimeSpan.FromSeconds(30),
        }, token);
    }

    /// <summary>A handler whose sockets are made in <paramref name="ns"/> (null: the test process's own namespace).</summary>
    private static SocketsHttpHandler CreateHandler(string? ns)
    {
        var handler = new SocketsHttpHandler();
        if (ns is not null)
        {
            handler.ConnectCallback = async (context, ct) =>
            {
                var socket = NetNs.CreateSocket(ns, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        return handler;
    }

    private HttpClient Track(HttpClient client, string? token)
    {
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        lock (_clients)
        {
            _clients.Add(client);
        }

        return client;
    }

    /// <summary>Waits until the agent is connected and has applied the newest revision.</summary>
    public async Task WaitAppliedAsync(HttpClient api, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        var clock = Stopwatch.StartNew();
        JsonObject? status = null;
        while (clock.Elapsed < limit)
        {
            status = await api.GetJsonAsync("/api/v1/status");
            if (status["agentConnected"]?.GetValue<bool>() == true
                && status["appliedRevision"]?.GetValue<long>() == status["desiredRevision"]?.GetValue<long>())
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException(
            $"The agent did not apply the newest revision within {limit.TotalSeconds:0}s: lastApplyError = " +
            $"{status?["lastApplyError"]?.ToJsonString() ?? "?"}; status = {status?.ToJsonString()}");
    }
}
