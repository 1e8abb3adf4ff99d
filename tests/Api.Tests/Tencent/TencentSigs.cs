using System.Text.Json;

namespace Presence.Api.Tests;

/// <summary>
/// UserSigs made by Tencent's own npm package <c>tls-sig-api-v2</c> (TencentSig/usersig.js), an implementation
/// independent of ours. The first use installs it with <c>npm ci</c> from the committed lock file when node_modules is
/// missing; without Node.js and npm on the PATH the tests fail and say what to install.
/// </summary>
public static class TencentSigs
{
    /// <summary>The app of the Tencent tests (demo/demo): its SDKAppID and key.</summary>
    public const long SdkAppId = 1400000001;
    public const string Key = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";

    /// <summary>A second app (demo/other) with its own SDKAppID and key.</summary>
    public const long OtherSdkAppId = 1400000002;
    public const string OtherKey = "0f6b7c1e2d3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";

    public const string Admin = "administrator";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(3);
    private static readonly SemaphoreSlim InstallLock = new(1, 1);
    private static bool _installed;

    private static string Directory { get; } = Path.Combine(FindRepositoryRoot(), "tests", "Api.Tests", "TencentSig");

    /// <summary>One sig per spec, in order, from one run of the script.</summary>
    public static async Task<string[]> MakeAsync(params UserSigSpec[] specs)
    {
        await EnsureInstalledAsync();
        var input = JsonSerializer.Serialize(specs.Select(s => new Dictionary<string, object>
        {
            ["sdkappid"] = s.SdkAppId,
            ["key"] = s.Key,
            ["identifier"] = s.Identifier,
            ["expire"] = s.Expire,
            ["time"] = s.Time,
        }));
        var output = await ProcessRunner.RunAsync(Tool("node"), [Path.Combine(Directory, "usersig.js"), input], null, null, CommandTimeout,
            workingDirectory: Directory);
        var sigs = JsonSerializer.Deserialize<string[]>(output) ?? [];
        Assert.Equal(specs.Length, sigs.Length);
        return sigs;
    }

    /// <summary>A sig of the demo app, made at <paramref name="time"/> and valid for a day unless told.</summary>
    public static async Task<string> MakeAsync(string identifier, DateTimeOffset time, long expire = 86400) =>
        (await MakeAsync(new UserSigSpec(SdkAppId, Key, identifier, expire, time.ToUnixTimeSeconds())))[0];

    private static async Task EnsureInstalledAsync()
    {
        await InstallLock.WaitAsync();
        try
        {
            if (_installed)
                return;
            if (!File.Exists(Path.Combine(Directory, "node_modules", "tls-sig-api-v2", "TLSSigAPIv2.js")))
                await ProcessRunner.RunAsync(Tool("npm"), ["ci", "--no-audit", "--no-fund"], null, null, CommandTimeout, workingDirectory: Directory);
            _installed = true;
        }
        finally
        {
            InstallLock.Release();
        }
    }

    /// <summary>The full path of a Node.js tool, or a failure that says what to install.</summary>
    private static string Tool(string name)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var path = Path.Combine(directory, name);
            if (File.Exists(path))
                return path;
        }
        throw new InvalidOperationException(
            $"'{name}' is not on the PATH. The Tencent UserSig tests make sigs with Tencent's npm package tls-sig-api-v2 "
            + "and need Node.js (18 or later) and npm: on Debian, apt-get install nodejs npm.");
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Presence.Orleans.sln")))
                return directory.FullName;
        }
        throw new InvalidOperationException($"No Presence.Orleans.sln above {AppContext.BaseDirectory}: the tests run from the repository's build output.");
    }
}
