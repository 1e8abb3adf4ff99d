using System.Diagnostics;

namespace Presence.Bench;

/// <summary>
/// The commit a benchmark measured: <c>git rev-parse HEAD</c> of the repository, and whether its work tree had changes
/// that are not committed (then the figures belong to no commit). Files under <c>bench/results/</c> do not count: a
/// previous run rewrites them, and they are not built.
/// </summary>
internal sealed record SourceRevision(string? Commit, bool Dirty)
{
    /// <summary>The short form used in tables, with " (dirty)" when the work tree had changes.</summary>
    public string Describe() => Commit is null ? "unknown commit" : $"commit {Commit[..Math.Min(10, Commit.Length)]}{(Dirty ? " (dirty)" : "")}";

    /// <summary>
    /// What bench/run.sh recorded before it built (<c>--commit</c>, <c>--dirty</c>), since the work tree may change while
    /// a run lasts; otherwise read now from the repository that holds <paramref name="directory"/>.
    /// </summary>
    public static SourceRevision From(string? commit, string? dirty, string directory)
    {
        if (!string.IsNullOrEmpty(commit))
            return new SourceRevision(commit, dirty is "true" or "1");
        return Read(directory);
    }

    /// <summary>Reads the revision of the repository holding <paramref name="directory"/>; no commit outside one.</summary>
    public static SourceRevision Read(string directory)
    {
        var head = Git(directory, "rev-parse", "HEAD");
        if (head is null)
            return new SourceRevision(null, false);
        var root = Git(directory, "rev-parse", "--show-toplevel") ?? directory;
        var changes = Git(root, "status", "--porcelain", "--", ".", ":(exclude)bench/results");
        return new SourceRevision(head, changes is null || changes.Length > 0);
    }

    private static string? Git(string directory, params string[] args)
    {
        try
        {
            var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in args)
                start.ArgumentList.Add(arg);
            using var git = Process.Start(start);
            if (git is null)
                return null;
            var output = git.StandardOutput.ReadToEnd();
            git.StandardError.ReadToEnd();
            return git.WaitForExit(10_000) && git.ExitCode == 0 ? output.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no git on this machine
        }
    }
}
