using System.Text.Json;

namespace Presence.Cluster.Tests;

/// <summary>A user's state row as stored (System.Text.Json grain storage): its version, ext and resources' statuses.</summary>
public sealed record StoredUserState(long Version, string Ext, IReadOnlyDictionary<string, string> Statuses)
{
    public static StoredUserState Parse(string username, byte[] payload)
    {
        using var document = JsonDocument.Parse(payload);
        var root = document.RootElement;
        var statuses = root.GetProperty("Resources").EnumerateObject()
            .ToDictionary(r => r.Name, r => r.Value.GetProperty("Status").GetString()!, StringComparer.Ordinal);
        return new StoredUserState(root.GetProperty("Version").GetInt64(), root.GetProperty("Ext").GetString()!, statuses);
    }

    /// <summary>As the REST reader sees it, for <see cref="WriteLoad.LostWrites"/>.</summary>
    public UserPresence ToPresence(string username) =>
        new(username, 0, Ext, string.Join(",", Statuses.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={s.Value}")));
}
