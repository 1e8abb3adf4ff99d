namespace Presence.Testing;

/// <summary>
/// A small npm package of the repository that a test runs with Node.js: installed with <c>npm ci</c> from its committed
/// lock file on first use (when <paramref name="installedFile"/> is missing); without Node.js and npm on the PATH the
/// test fails and says what to install.
/// </summary>
/// <param name="directory">The package's directory, relative to the repository root.</param>
/// <param name="installedFile">A file under the package's node_modules that exists once it is installed.</param>
public sealed class NodePackage(string directory, string installedFile)
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(3);
    private readonly SemaphoreSlim _installLock = new(1, 1);
    private bool _installed;

    public string Directory { get; } = Path.Combine(RepositoryRoot.Path, directory);

    /// <summary>Runs <c>node {script} {arguments}</c> in the package's directory; returns standard output, or throws with all output.</summary>
    public async Task<string> RunAsync(string script, params string[] arguments)
    {
        await EnsureInstalledAsync();
        return await ProcessRunner.RunAsync(Tool("node"), [Path.Combine(Directory, script), .. arguments], null, null, CommandTimeout,
            workingDirectory: Directory);
    }

    private async Task EnsureInstalledAsync()
    {
        await _installLock.WaitAsync();
        try
        {
            if (_installed)
                return;
            if (!File.Exists(Path.Combine(Directory, "node_modules", installedFile)))
                await ProcessRunner.RunAsync(Tool("npm"), ["ci", "--no-audit", "--no-fund"], null, null, CommandTimeout, workingDirectory: Directory);
            _installed = true;
        }
        finally
        {
            _installLock.Release();
        }
    }

    /// <summary>The full path of a Node.js tool, or a failure that says what to install.</summary>
    public static string Tool(string name)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var path = Path.Combine(directory, name);
            if (File.Exists(path))
                return path;
        }
        throw new InvalidOperationException(
            $"'{name}' is not on the PATH. This test runs an npm package with Node.js and needs Node.js (18 or later) and npm: on Debian, apt-get install nodejs npm.");
    }
}
