namespace Presence.WebSdk.Tests;

/// <summary>
/// The committed build (<c>clients/web/dist</c>, which the console embeds so a fresh clone runs without npm) must be what
/// the sources build to today: a change to <c>src/</c> without <c>npm run build</c> fails here.
/// </summary>
[Collection(WebSdkCollection.Name)]
public sealed class BuildTests(WebSdkFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task CommittedBuild_EqualsAFreshBuildOfTheSources()
    {
        var fresh = Path.Combine(Path.GetTempPath(), $"presence-web-{Guid.NewGuid():N}");
        try
        {
            var run = await NodeRun.RunAsync("node", ["build.mjs", fresh], fixture.SdkDirectory, TimeSpan.FromMinutes(3));
            output.WriteLine(run.Output);
            Assert.True(run.ExitCode == 0, $"node build.mjs exited with {run.ExitCode}:\n{run.Output}");

            var committed = Path.Combine(fixture.SdkDirectory, "dist");
            var expected = Files(fresh);
            var actual = Files(committed);
            Assert.True(expected.Keys.Order().SequenceEqual(actual.Keys.Order()),
                $"dist/ has [{string.Join(", ", actual.Keys.Order())}], a fresh build [{string.Join(", ", expected.Keys.Order())}]: run npm run build in clients/web and commit dist/");
            foreach (var (name, bytes) in expected)
                Assert.True(bytes.AsSpan().SequenceEqual(actual[name]), $"dist/{name} differs from a fresh build of src/: run npm run build in clients/web and commit dist/");
        }
        finally
        {
            if (Directory.Exists(fresh))
                Directory.Delete(fresh, recursive: true);
        }
    }

    private static Dictionary<string, byte[]> Files(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(path => Path.GetRelativePath(root, path).Replace('\\', '/'), File.ReadAllBytes);
}
