using System.Diagnostics;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using static Presence.Api.Tests.SocketClient;

namespace Presence.Api.Tests;

/// <summary>A client that stops reading fills only its own send queue, is closed, shows offline; nobody waits for it.</summary>
public sealed class SocketBackpressureTests(SocketBackpressureTests.SmallQueueFactory factory, ITestOutputHelper output)
    : IClassFixture<SocketBackpressureTests.SmallQueueFactory>
{
    public sealed class SmallQueueFactory : SocketGatewayFactory
    {
        public const int QueueCapacity = 8;

        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
        {
            ["Presence:WebSocket:SendQueueCapacity"] = QueueCapacity.ToString(),
        };

        // Small, fixed kernel send buffers (accepted sockets inherit them; a fixed size also stops autotuning
        // from growing them to megabytes) and a small Kestrel output buffer: a reader that stops pushes back
        // after tens of KiB instead of megabytes.
        protected override void ConfigureKestrel(KestrelServerOptions options) => options.Limits.MaxResponseBufferSize = 4096;

        protected override void ConfigureServices(IServiceCollection services)
        {
            base.ConfigureServices(services);
            services.Configure<SocketTransportOptions>(o => o.CreateBoundListenSocket = endpoint =>
            {
                var socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
                socket.SendBufferSize = 4096;
                return socket;
            });
        }
    }

    [Fact]
    public async Task StalledClient_IsClosedWhenItsQueueFills_AndShowsOffline_WhileAnotherWatcherGetsEveryEventPromptly()
    {
        // Big events (32 resources, long names and values) fill the few KiB of TCP buffers in a few sends.
        for (var r = 0; r < 32; r++)
            await factory.SetPresenceAsync("st.b", $"resource_{r:00}_{new string('x', 50)}", new string('s', 60));
        await using var healthy = await factory.ConnectAsync("st.h", "web_1");
        await healthy.RequestAsync(Op("subscribe", ("users", Users(["st.b"])), ("expiry", 3600)));
        await using var stalled = await factory.ConnectAsync("st.s", "web_1", read: false, receiveBufferSize: 4096);
        await factory.SubscribeAsync("st.s", 3600, "st.b");

        var changes = 0;
        var slowest = TimeSpan.Zero;
        while (Api.StatusMap(await factory.PresenceAsync("st.s"))["web_1"] == "1")
        {
            Assert.True(changes < 2000, "the stalled client was never closed");
            var call = Stopwatch.StartNew();
            await factory.SetPresenceAsync("st.b", "resource_00_" + new string('x', 50), $"v{changes}", new string('e', 64));
            slowest = TimeSpan.FromTicks(Math.Max(slowest.Ticks, call.Elapsed.Ticks));
            changes++;
        }
        var final = await factory.PresenceAsync("st.b");
        var delivered = Stopwatch.StartNew();
        await healthy.WaitForAsync(f => Type(f) == "presence" && Api.Str(f, "uid") == "st.b" && Api.StatusMap(f).ContainsValue($"v{changes - 1}"),
            TimeSpan.FromSeconds(5), "the last change at the healthy watcher");
        output.WriteLine($"stalled client closed after {changes} changes; slowest change {slowest.TotalMilliseconds:0.0} ms; last event {delivered.Elapsed.TotalMilliseconds:0.0} ms after");

        var versions = healthy.EventsOf("st.b").Select(f => f.GetProperty("version").GetInt64()).ToList();
        Assert.Equal(Enumerable.Range((int)versions[0], versions.Count).Select(v => (long)v), versions); // none dropped, in order
        Assert.Equal(final.GetProperty("status").EnumerateObject().Count(), Api.StatusMap(healthy.EventsOf("st.b")[^1]).Count);
        Assert.Contains(factory.Logs.Entries, e => e.Message.Contains($"st.s/web_1: {SmallQueueFactory.QueueCapacity} frames waiting to be sent", StringComparison.Ordinal));
        Assert.Equal("offline", Api.Str((await healthy.RequestAsync(Op("query", ("users", Users(["st.s"]))))).GetProperty("result")[0], "status_type"));
    }
}
