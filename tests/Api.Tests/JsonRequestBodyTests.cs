using System.Text;
using Microsoft.AspNetCore.Http;

namespace Presence.Api.Tests;

/// <summary>The body reader on its own, for what a TestServer cannot send (a body of unknown length).</summary>
public sealed class JsonRequestBodyTests
{
    private const int Limit = 16 * 1024;

    [Fact]
    public async Task ReadAsync_Returns413_WhenBodyOfUnknownLengthGrowsPastTheLimit()
    {
        var context = Request($$"""{"usernames":["u2"],"pad":"{{new string('p', 20 * 1024)}}"}""", contentLength: null);

        var (value, error) = await JsonRequestBody.ReadAsync(context.Request, GatewayJsonContext.Default.UsernamesRequest, Limit);

        Assert.Null(value);
        Assert.Equal(StatusCodes.Status413PayloadTooLarge, error?.StatusCode);
    }

    [Fact]
    public async Task ReadAsync_ReadsBody_WhenLengthIsUnknownAndWithinTheLimit()
    {
        var context = Request("""{"usernames":["u2"]}""", contentLength: null);

        var (value, error) = await JsonRequestBody.ReadAsync(context.Request, GatewayJsonContext.Default.UsernamesRequest, Limit);

        Assert.Null(error);
        Assert.Equal(["u2"], value?.Usernames);
    }

    [Fact]
    public async Task ReadAsync_Returns415_WhenBodyOfUnknownLengthIsNotJson()
    {
        var context = Request("usernames=u2", contentLength: null, contentType: "application/x-www-form-urlencoded");

        var (_, error) = await JsonRequestBody.ReadAsync(context.Request, GatewayJsonContext.Default.UsernamesRequest, Limit);

        Assert.Equal(StatusCodes.Status415UnsupportedMediaType, error?.StatusCode);
    }

    [Fact]
    public async Task ReadAsync_Returns413WithoutReading_WhenContentLengthIsOverTheLimit()
    {
        var context = Request("{}", contentLength: Limit + 1);

        var (_, error) = await JsonRequestBody.ReadAsync(context.Request, GatewayJsonContext.Default.UsernamesRequest, Limit);

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, error?.StatusCode);
        Assert.Equal(0, context.Request.Body.Position);
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    public async Task ReadAsync_ReturnsNoValueAndNoError_WhenBodyIsEmptyOrNull(string body)
    {
        var context = Request(body, contentLength: body.Length);

        var result = await JsonRequestBody.ReadAsync(context.Request, GatewayJsonContext.Default.UsernamesRequest, Limit);

        Assert.Equal(default, result);
    }

    private static DefaultHttpContext Request(string body, long? contentLength, string contentType = "application/json")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentType = contentType;
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        context.Request.ContentLength = contentLength;
        return context;
    }
}
