using System.Globalization;
using System.Text.Json.Nodes;

namespace Presence.Cluster.Tests;

/// <summary>One user's presence as R3 returns it, with the status map sorted so that records compare by value.</summary>
public sealed record UserPresence(string Uid, long LastTime, string Ext, string StatusText)
{
    public static UserPresence Parse(JsonNode item)
    {
        var status = new SortedDictionary<string, string>(
            item["status"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>()), StringComparer.Ordinal);
        return new UserPresence(
            item["uid"]!.GetValue<string>(),
            long.Parse(item["last_time"]!.GetValue<string>(), CultureInfo.InvariantCulture),
            item["ext"]!.GetValue<string>(),
            string.Join(",", status.Select(p => $"{p.Key}={p.Value}")));
    }

    /// <summary>The status of one resource, or null when the user has no such resource.</summary>
    public string? StatusOf(string resource) =>
        StatusText.Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Where(pair => pair[0] == resource)
            .Select(pair => pair[1])
            .FirstOrDefault();
}
