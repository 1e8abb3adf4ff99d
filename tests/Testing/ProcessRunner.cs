using System.Diagnostics;

namespace Presence.Testing;

/// <summary>Runs a command line to completion, optionally as another user, and fails with its output.</summary>
public static class ProcessRunner
{
    /// <summary>Runs the command; returns what it wrote to standard output, or throws with all its output when it fails.</summary>
    public static async Task<string> RunAsync(
        string fileName,
        IReadOnlyList<string> arguments,
        IReadOnlyDictionary<string, string>? environment,
        string? runAs,
        TimeSpan timeout,
        string? logFile = null,
        string? workingDirectory = null)
    {
        var start = new ProcessStartInfo
        {
            FileName = runAs is null ? fileName : "runuser",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The service user may not be allowed into the caller's working directory.
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        if (runAs is not null)
        {
            start.ArgumentList.Add("-u");
            start.ArgumentList.Add(runAs);
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(fileName);
        }
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
                start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{Path.GetFileName(fileName)} did not finish within {timeout.TotalSeconds:0} s.");
        }
        var standardOutput = await stdout;
        if (process.ExitCode != 0)
        {
            var log = logFile is not null && File.Exists(logFile) ? "\n--- server log ---\n" + Tail(logFile) : "";
            throw new InvalidOperationException(
                $"{Path.GetFileName(fileName)} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{standardOutput}{await stderr}{log}");
        }
        return standardOutput;
    }

    private static string Tail(string path)
    {
        var lines = File.ReadAllLines(path);
        return string.Join('\n', lines.Skip(Math.Max(0, lines.Length - 20)));
    }
}
