using System.Diagnostics;

namespace Presence.WebSdk.Tests;

/// <summary>One finished run of node or npm: its exit code and everything it wrote, in arrival order.</summary>
public sealed record NodeRun(int ExitCode, string Output)
{
    /// <summary>
    /// Runs <paramref name="fileName"/> in <paramref name="workingDirectory"/> to completion (killed past
    /// <paramref name="timeout"/>), with <paramref name="environment"/> added to this process's.
    /// </summary>
    public static async Task<NodeRun> RunAsync(
        string fileName, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo
        {
            FileName = fileName,
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            start.Environment[key] = value;
        // Colour codes would only garble the test output.
        start.Environment["NO_COLOR"] = "1";

        var output = new System.Text.StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{fileName} is not installed (apt-get install -y nodejs npm): {e.Message}", e);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Append(output, $"[test] killed: {fileName} ran longer than {timeout.TotalSeconds:0} s");
            return new NodeRun(-1, Snapshot(output));
        }
        return new NodeRun(process.ExitCode, Snapshot(output));
    }

    private static void Append(System.Text.StringBuilder output, string? line)
    {
        if (line is null)
            return;
        lock (output)
            output.Append(line).Append('\n');
    }

    private static string Snapshot(System.Text.StringBuilder output)
    {
        lock (output)
            return output.ToString();
    }
}
