using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Presence.Storage.Tests;

/// <summary>A logger that keeps what was logged at <see cref="LogLevel.Warning"/> and above, so a test can wait for a log line instead of sleeping.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    public ConcurrentQueue<string> Warnings { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
            Warnings.Enqueue(formatter(state, exception));
    }
}
