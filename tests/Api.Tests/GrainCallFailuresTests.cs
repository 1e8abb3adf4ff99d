using System.Data;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using Orleans.Serialization;
using Orleans.Storage;
using Presence.Grains;

namespace Presence.Api.Tests;

/// <summary>Which grain-call failures the gateway answers 503 (<see cref="GrainCallFailures.IsUnavailable"/>): named types only.</summary>
public sealed class GrainCallFailuresTests
{
    public static TheoryData<Exception> Unavailable => new()
    {
        new StorageUnavailableException("down"),
        // An activation that could not load its state: Orleans wraps what the storage threw.
        new OrleansException("activation failed", new StorageUnavailableException("down")),
        new TimeoutException("no answer"),
        new SiloUnavailableException("silo dead"), // an OrleansMessageRejectionException (whose constructors are internal)
        new ConnectionFailedException("connection refused"),
        new GatewayTooBusyException(),
        new InconsistentStateException("fenced"),
    };

    public static TheoryData<Exception> Bugs => new()
    {
        // What the silo's storage throws for a database error that is no outage (a syntax error, bad data).
        new DataException("PostgreSQL failed (writing rows): 42601: syntax error"),
        new OrleansException("something else"),
        new CodecNotFoundException("Could not find a codec for type Npgsql.PostgresException."),
        new InvalidOperationException("bug"),
    };

    [Theory]
    [MemberData(nameof(Unavailable))]
    public void IsUnavailable_ForStorageOutagesTimeoutsAndClusterFailures(Exception exception) =>
        Assert.True(GrainCallFailures.IsUnavailable(exception));

    [Theory]
    [MemberData(nameof(Bugs))]
    public void IsNotUnavailable_ForAnythingElse(Exception exception) =>
        Assert.False(GrainCallFailures.IsUnavailable(exception));
}
