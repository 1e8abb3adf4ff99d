using System.Reflection;

namespace Presence.Storage;

/// <summary>
/// The schema scripts shipped in <c>Sql/</c>: Orleans' tables and queries (clustering, grain state, reminders) made
/// idempotent, and our subscription rows. Embedded in this assembly and applied in file-name order.
/// </summary>
internal static class PostgresSchema
{
    private const string ResourcePrefix = "Presence.Storage.Sql.";

    /// <summary>Key of the transaction-scoped advisory lock that serialises silos applying the schema at once ("Presence" in ASCII).</summary>
    public const long AdvisoryLockKey = 0x50726573656E6365;

    public static IReadOnlyList<(string Name, string Sql)> Scripts { get; } = Load();

    private static (string Name, string Sql)[] Load()
    {
        var assembly = typeof(PostgresSchema).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n => (n[ResourcePrefix.Length..], Read(assembly, n)))
            .ToArray();
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
