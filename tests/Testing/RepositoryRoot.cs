namespace Presence.Testing;

/// <summary>The repository's root: the directory above the test's build output that holds the solution.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Presence.Orleans.sln")))
                return directory.FullName;
        }
        throw new InvalidOperationException($"No Presence.Orleans.sln above {AppContext.BaseDirectory}: the tests run from the repository's build output.");
    }
}
