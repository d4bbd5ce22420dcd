using System.Text.Json.Nodes;

namespace Gateway.Bench.E2e;

/// <summary>REST bodies of the end-to-end benchmark, in the lab's LAN 192.168.50.0/24.</summary>
internal static class ConfigBodies
{
    /// <summary>
    /// The backup <paramref name="current"/> with N forwards (tcp on external port 1000+i; udp every third, both every
    /// fifth), M MAC filters (deny-listed) and R forward rules; items carry no id, so a restore replaces them all.
    /// </summary>
    public static JsonObject Config(JsonObject current, int forwards, int macs, int rules)
    {
        var config = (JsonObject)current.DeepClone();
        var forwardList = new JsonArray();
        for (var i = 0; i < forwards; i++)
        {
            forwardList.Add(Forward(i, 1000 + i, i % 5 == 0 ? "both" : i % 3 == 0 ? "udp" : "tcp"));
        }

        var macList = new JsonArray();
        for (var i = 0; i < macs; i++)
        {
            macList.Add(new JsonObject { ["mac"] = Mac(i), ["name"] = $"device {i + 1}", ["enabled"] = true });
        }

        var ruleList = new JsonArray();
        for (var i = 0; i < rules; i++)
        {
            ruleList.Add(new JsonObject
            {
                ["name"] = $"rule {i + 1}",
                ["chain"] = "forward",
                ["protocol"] = "tcp",
                ["destination"] = Host(i),
                ["destinationPort"] = 20000 + i,
                ["action"] = i % 2 == 0 ? "accept" : "drop",
            });
        }

        config["portForwards"] = forwardList;
        config["macFilters"] = macList;
        config["macPolicy"] = new JsonObject { ["mode"] = macs > 0 ? "deny-listed" : "off" };
        config["rules"] = ruleList;
        return config;
    }

    public static JsonObject Forward(int i, int externalPort, string protocol = "tcp", int internalPort = 80) => new()
    {
        ["name"] = $"forward {i + 1}",
        ["protocol"] = protocol,
        ["externalPort"] = externalPort,
        ["internalAddress"] = Host(i),
        ["internalPort"] = internalPort,
    };

    public static string Mac(int i) => $"02:00:00:{(i >> 16) & 0xff:x2}:{(i >> 8) & 0xff:x2}:{i & 0xff:x2}";

    private static string Host(int i) => $"192.168.50.{(i % 250) + 2}";
}
