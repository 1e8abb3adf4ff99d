namespace Presence.Console.Tests;

/// <summary>
/// Screenshots of the console's main views (1280×800, the viewport). Every run writes them next to the test assembly
/// (<c>screenshots/</c>); with <c>UPDATE_SCREENSHOTS=1</c> they also replace the pictures in <c>docs/</c> (docs/operations.md#web-console):
/// <c>UPDATE_SCREENSHOTS=1 dotnet test tests/Console.Tests</c>.
/// </summary>
public static class Screenshots
{
    public static async Task<string> SaveAsync(IPage page, string view)
    {
        var name = $"console-{view}.png";
        var local = Path.Combine(AppContext.BaseDirectory, "screenshots", name);
        Directory.CreateDirectory(Path.GetDirectoryName(local)!);
        var bytes = await page.ScreenshotAsync(new PageScreenshotOptions { Path = local, Animations = ScreenshotAnimations.Disabled });
        if (Environment.GetEnvironmentVariable("UPDATE_SCREENSHOTS") == "1" && RepositoryRoot() is { } root)
        {
            var docs = Path.Combine(root, "docs");
            Directory.CreateDirectory(docs);
            await File.WriteAllBytesAsync(Path.Combine(docs, name), bytes);
            return Path.Combine(docs, name);
        }
        return local;
    }

    private static string? RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "Presence.Orleans.sln")))
                return directory.FullName;
        return null;
    }
}
