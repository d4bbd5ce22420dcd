using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Tests.E2e.Lab;

/// <summary>Small REST helpers whose failures carry the response body, so a red test says why.</summary>
public static class ApiExtensions
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task ExpectStatusAsync(HttpResponseMessage response, HttpStatusCode expected, string what)
    {
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync();
            throw new HttpRequestException($"{what}: expected {(int)expected} {expected}, got {(int)response.StatusCode} {response.StatusCode}: {body}");
        }
    }

    public static async Task<JsonObject> GetJsonAsync(this HttpClient api, string path)
    {
        using var response = await api.GetAsync(path);
        await ExpectStatusAsync(response, HttpStatusCode.OK, $"GET {path}");
        return await response.Content.ReadFromJsonAsync<JsonObject>(Json)
            ?? throw new InvalidDataException($"GET {path} returned JSON null.");
    }

    public static async Task<JsonArray> GetJsonArrayAsync(this HttpClient api, string path)
    {
        using var response = await api.GetAsync(path);
        await ExpectStatusAsync(response, HttpStatusCode.OK, $"GET {path}");
        return await response.Content.ReadFromJsonAsync<JsonArray>(Json)
            ?? throw new InvalidDataException($"GET {path} returned JSON null.");
    }

    public static async Task<string> GetTextAsync(this HttpClient api, string path)
    {
        using var response = await api.GetAsync(path);
        await ExpectStatusAsync(response, HttpStatusCode.OK, $"GET {path}");
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Sends <paramref name="body"/> as JSON and returns the JSON answer after checking the status.</summary>
    public static async Task<JsonObject?> SendJsonAsync(
        this HttpClient api, HttpMethod method, string path, object? body, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }

        using var response = await api.SendAsync(request);
        await ExpectStatusAsync(response, expected, $"{method} {path}");
        var text = await response.Content.ReadAsStringAsync();
        return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text) as JsonObject;
    }

    public static Task<JsonObject?> PostJsonAsync(this HttpClient api, string path, object body, HttpStatusCode expected = HttpStatusCode.Created) =>
        api.SendJsonAsync(HttpMethod.Post, path, body, expected);

    public static Task<JsonObject?> PutJsonAsync(this HttpClient api, string path, object body, HttpStatusCode expected = HttpStatusCode.OK) =>
        api.SendJsonAsync(HttpMethod.Put, path, body, expected);

    public static async Task DeleteAsync(this HttpClient api, string path, HttpStatusCode expected = HttpStatusCode.NoContent)
    {
        using var response = await api.DeleteAsync(path);
        await ExpectStatusAsync(response, expected, $"DELETE {path}");
    }
}
