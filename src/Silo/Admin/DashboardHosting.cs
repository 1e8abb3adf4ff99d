using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Dashboard;

namespace Presence.Silo;

/// <summary>
/// The Orleans dashboard (<c>Microsoft.Orleans.Dashboard</c>) co-hosted by a silo at <see cref="RoutePrefix"/>, on the
/// main port, behind the operator credential of the admin routes (<see cref="PresenceAdminOptions"/>): no or a wrong
/// credential → 401 and nothing else; admin off (nothing configured outside Development) → the dashboard is neither
/// added nor mapped, and <c>/dashboard</c> answers 404 like any unknown route.
/// </summary>
public static partial class DashboardHosting
{
    public const string RoutePrefix = "/dashboard";

    /// <summary>
    /// Counter sampling period: each silo's dashboard service asks the management grain for its runtime statistics this
    /// often, and the dashboard grain refreshes cluster counters (a cluster-wide grain-statistics call) at most this often,
    /// only while someone is looking. The default is 1 s.
    /// </summary>
    public const int CounterUpdateIntervalMs = 5_000;

    /// <summary>
    /// <c>Presence:Admin:Dashboard</c>: <c>false</c> keeps the admin routes but leaves the dashboard out, and with it its
    /// incoming grain-call filter. Any filter takes every grain call off Orleans' filter-free path (a per-call invoker and
    /// an async layer), which a silo serving heavy traffic may rather not pay for a page nobody is looking at.
    /// </summary>
    public const string EnabledKey = PresenceAdminOptions.SectionName + ":Dashboard";

    /// <summary>
    /// Adds the dashboard's silo services when admin is on (and <see cref="EnabledKey"/> is not false). Overhead kept modest: counters sampled every 5 s (not 1 s),
    /// the live log stream off (<see cref="DashboardOptions.HideTrace"/>: logs can hold tokens and user data, and a
    /// listener would format every log line), method profiling only while the dashboard is being queried (the package's
    /// default: off one minute after the last query). Fixed costs of the package: a logging provider that does nothing
    /// without a trace listener, an incoming grain-call filter (one branch while profiling is off), and a meter listener
    /// on Orleans' meter exporting every second to its in-memory history.
    /// </summary>
    public static ISiloBuilder AddPresenceDashboard(this ISiloBuilder silo, IConfiguration configuration, IHostEnvironment environment)
    {
        if (!PresenceAdminOptions.IsEnabledIn(configuration, environment) || !configuration.GetValue(EnabledKey, defaultValue: true))
            return silo;
        silo.AddDashboard(options =>
        {
            options.HideTrace = true;
            options.CounterUpdateIntervalMs = CounterUpdateIntervalMs;
            options.HistoryLength = 100;
        });
        DeferDashboardHost(silo.Services);
        silo.Services.TryAddSingleton<DashboardMarker>();
        return silo;
    }

    /// <summary>Maps the dashboard under <see cref="RoutePrefix"/>, every asset and API behind the admin check, none in the OpenAPI document.</summary>
    public static IEndpointRouteBuilder MapPresenceDashboard(this IEndpointRouteBuilder endpoints)
    {
        if (endpoints.ServiceProvider.GetService<DashboardMarker>() is null)
            return endpoints;
        endpoints.MapOrleansDashboard(RoutePrefix)
            .ExcludeFromDescription()
            .RequirePresenceAdmin();
        return endpoints;
    }

    /// <summary>
    /// This host starts its hosted services concurrently (a silo waiting for its database is live), so the dashboard's
    /// own hosted service would call its grains while the silo is still joining: placement fails, is retried on the
    /// host's clock, and logs warnings at every start (under a test's manual clock the retry never comes and the
    /// dashboard hangs). Its start is deferred until the application has started, the silo active.
    /// </summary>
    private static void DeferDashboardHost(IServiceCollection services)
    {
        var host = services.LastOrDefault(static d => d.ServiceType == typeof(IHostedService) && !d.IsKeyedService
            && (d.ImplementationType ?? d.ImplementationFactory?.Method.ReturnType)?.FullName == DashboardHostTypeName);
        Func<IServiceProvider, object>? create = host switch
        {
            { ImplementationFactory: { } factory } => factory,
            { ImplementationType: { } type } => sp => ActivatorUtilities.CreateInstance(sp, type),
            _ => null,
        };
        if (host is null || create is null)
            return; // another version of the package: left as it registered itself
        services.Remove(host);
        services.AddSingleton<IHostedService>(sp => new DeferredHostedService(
            (IHostedService)create(sp),
            sp.GetRequiredService<IHostApplicationLifetime>(),
            sp.GetRequiredService<ILogger<DeferredHostedService>>()));
    }

    private const string DashboardHostTypeName = "Orleans.Dashboard.DashboardHost";

    /// <summary>Registered when the dashboard's services are.</summary>
    private sealed class DashboardMarker;

    /// <summary>Starts <paramref name="inner"/> once the application has started; stops and disposes it with the host.</summary>
    private sealed partial class DeferredHostedService(IHostedService inner, IHostApplicationLifetime lifetime, ILogger<DeferredHostedService> logger)
        : IHostedService, IAsyncDisposable
    {
        private Task _started = Task.CompletedTask;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            lifetime.ApplicationStarted.Register(() => _started = StartInnerAsync());
            return Task.CompletedTask;
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            await _started;
            await inner.StopAsync(cancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            if (inner is IAsyncDisposable asyncDisposable)
                await asyncDisposable.DisposeAsync();
            else if (inner is IDisposable disposable)
                disposable.Dispose();
        }

        private async Task StartInnerAsync()
        {
            try
            {
                await inner.StartAsync(lifetime.ApplicationStopping);
            }
            catch (Exception exception)
            {
                LogStartFailed(exception);
            }
        }

        [LoggerMessage(Level = LogLevel.Warning, Message = "The Orleans dashboard failed to start its collection; /dashboard may show no data")]
        private partial void LogStartFailed(Exception exception);
    }
}
