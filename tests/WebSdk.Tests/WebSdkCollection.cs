namespace Presence.WebSdk.Tests;

/// <summary>The SDK's test classes share one silo and one install of the package.</summary>
[CollectionDefinition(Name)]
public sealed class WebSdkCollection : ICollectionFixture<WebSdkFixture>
{
    public const string Name = "WebSdk";
}
