using Gateway.Shared.Validation;
using Gateway.Web.Devices;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gateway.Web.Api;

/// <summary>GET /api/v1/devices (every device seen on the LAN, one per MAC) and GET /api/v1/devices/{mac}/traffic.</summary>
public static class DevicesApi
{
    public static RouteGroupBuilder MapDevices(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/devices").WithTags("Devices").RequireApiAuth();
        group.MapGet("/", ListAsync)
            .WithName("ListDevices")
            .WithSummary("Every device the router has seen on the LAN, one per MAC: name, vendor, addresses, online, first and last seen, connections, traffic since first seen, the rate over the last 10 s, and whether the MAC filter blocks it.");
        group.MapGet("/{mac}/traffic", TrafficAsync)
            .WithName("GetDeviceTraffic")
            .WithSummary("One device's bytes per bucket, oldest first: bucket=hour (the last 48 h) or day (the last 90 days); rx is towards the device.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    private static async Task<Ok<IReadOnlyList<DeviceView>>> ListAsync(DeviceList devices, CancellationToken ct) =>
        TypedResults.Ok<IReadOnlyList<DeviceView>>([.. (await devices.LoadAsync(ct)).Select(DeviceView.From)]);

    private static async Task<Results<Ok<IReadOnlyList<TrafficPoint>>, ValidationProblem, ProblemHttpResult>> TrafficAsync(
        DeviceRecorder recorder, string mac, string? bucket = null, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string[]>();
        if (!MacAddress.TryNormalize(mac, out var normalized))
        {
            errors["mac"] = ["A MAC address (aa:bb:cc:dd:ee:ff)."];
        }

        if (!TrafficBuckets.IsBucket(bucket))
        {
            errors["bucket"] = ["hour or day."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var points = await recorder.TrafficAsync(normalized!, bucket!, ct);
        return points is null ? ApiResults.NotFound($"No device {normalized} has been seen.") : TypedResults.Ok(points);
    }
}

/// <summary>One device of <c>GET /api/v1/devices</c>.</summary>
public sealed record DeviceView(
    string Mac,
    string? Name,
    string? Vendor,
    IReadOnlyList<string> Addresses,
    bool Online,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    long Connections,
    DeviceTraffic Traffic,
    DeviceRate Rate,
    bool Blocked)
{
    public static DeviceView From(DeviceRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var s = row.State;
        return new(s.Mac, row.Name, row.Vendor, s.Addresses, s.Online, s.FirstSeen, s.LastSeen, s.Connections,
            new DeviceTraffic(s.RxBytes, s.TxBytes), new DeviceRate(s.RxBps, s.TxBps), row.Blocked);
    }
}

/// <summary>Bytes since the device was first seen; rx is towards it.</summary>
public sealed record DeviceTraffic(long RxBytes, long TxBytes);

/// <summary>Bytes per second over the last 10 s.</summary>
public sealed record DeviceRate(long RxBps, long TxBps);
