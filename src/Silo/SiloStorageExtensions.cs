using Presence.Orleans.Runtime;
using Presence.Orleans.Runtime.AdoNet;

namespace Presence.Orleans.Silo;

internal static class SiloStorageExtensions
{
    /// <summary>
    /// Adds the storage named by <c>Presence:Storage:Provider</c> (env <c>Presence__Storage__Provider</c>):
    /// <c>Memory</c> (default) or <c>Postgres</c>, which needs <c>ConnectionStrings:Presence</c>
    /// (env <c>ConnectionStrings__Presence</c>).
    /// </summary>
    public static IHostApplicationBuilder AddPresenceStorage(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        switch (options.Provider)
        {
            case StorageProvider.Postgres:
                var connectionString = builder.Configuration.GetConnectionString(StorageOptions.ConnectionStringName);
                if (string.IsNullOrWhiteSpace(connectionString))
                    throw new InvalidOperationException(
                        $"{StorageOptions.SectionName}:Provider is Postgres but ConnectionStrings:{StorageOptions.ConnectionStringName} is not set (env ConnectionStrings__{StorageOptions.ConnectionStringName}).");
                builder.Services.AddPostgresGrainPersistence(connectionString);
                break;
            case StorageProvider.Memory:
                builder.Services.AddInMemoryGrainPersistence();
                break;
            default:
                throw new InvalidOperationException($"Unknown {StorageOptions.SectionName}:Provider '{options.Provider}'. Use Memory or Postgres.");
        }
        return builder;
    }
}
