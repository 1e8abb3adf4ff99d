using System.Net.Http.Headers;
using System.Text;

namespace Presence.Api.Tests;

/// <summary>Whatever a client sends, the answer is never a 5xx (docs/api.md#errors: "never a 500 for anything a client sent").</summary>
public sealed class GarbageInputTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private static readonly string[] Methods = ["GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS"];

    private static readonly string[] Segments =
    [
        "u1", "U1", "a.b-c_d", "", "%20", "..", ".", "%2F", "%2e%2e", "%01", "%FF", "%C3%28", "%E0%A4%A", "%ED%A0%80",
        "ü名字", "%F0%9F%98%80", "😀😀😀", "0", "1", "-1", "1e10", "99999999999999999999999999", "2147483648", "2592001", "sublist",
        "null", "undefined", "<script>", "'or'1'='1", "a%3Fb", "web_6b5610ac-4e11-4661-82b3-dee17bc7b2cc", new string('x', 65), new string('y', 4000),
    ];

    private static readonly string?[] Bodies =
    [
        null, "", " ", "{", "}", "[", "[]", "{}", "null", "true", "123", "-0", "1e999", "\"str\"",
        """{"ext":1}""", """{"ext":{"a":1}}""", """{"ext":[1]}""", """{"ext":"\ud800"}""", """{"ext":"\u0000"}""", """{"ext":"ok","ext":null}""",
        """{"usernames":null}""", """{"usernames":[[]]}""", """{"usernames":[{}]}""", """{"usernames":["\udfff"]}""", """{"usernames":["ok"],"extra":{"deep":[1,2,{"x":null}]}}""",
        """{"users":[1]}""", """{"users":{"a":1}}""", """["a",]""", """["a" "b"]""", "[\"" + new string('z', 10_000) + "\"]",
        """{"grant_type":"client_credentials","client_id":1}""", """{"grant_type":"inherit","username":["x"]}""", """{"ttl":99999999999999999999999}""", """{"ttl":"12x"}""",
        new string('[', 5000) + new string(']', 5000), "{\"a\":" + new string('{', 100) + new string('}', 100) + "}",
        "\uFEFF{\"usernames\":[\"a\"]}", "{'usernames':['a']}", "usernames=a&ext=b",
    ];

    private static readonly string?[] ContentTypes =
        [null, "application/json", "application/json; charset=utf-8", "text/plain", "application/json; charset=latin1", "%%%", "application/", "*/*", "multipart/form-data; boundary=x"];

    [Fact]
    public async Task Gateway_NeverAnswers5xx_WhenRequestsAreGarbage()
    {
        var client = factory.CreateGatewayClient();
        var appToken = await client.AppTokenAsync();
        var userToken = await client.UserTokenAsync(appToken, "u1");
        string?[] tokens = [appToken, appToken, appToken, userToken, null, "garbage", appToken[..^2], new string('A', 300)];
        var random = new Random(20260101);
        var failures = new List<string>();
        var sent = 0;

        for (var i = 0; i < 600; i++)
        {
            var method = Pick(random, Methods);
            var path = RandomPath(random);
            var body = Pick(random, Bodies);
            var contentType = Pick(random, ContentTypes);
            var token = Pick(random, tokens);
            HttpRequestMessage request;
            try
            {
                request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
            }
            catch (UriFormatException)
            {
                continue; // the client library refuses it; nothing reaches the server
            }
            if (token is not null)
                request.Headers.TryAddWithoutValidation("Authorization", random.Next(10) == 0 ? token : $"Bearer {token}");
            if (body is not null && method is not ("GET" or "HEAD"))
            {
                request.Content = random.Next(8) == 0
                    ? new ByteArrayContent([0xC3, 0x28, 0xFF, 0xFE, (byte)'{'])
                    : new ByteArrayContent(Encoding.UTF8.GetBytes(body));
                if (contentType is not null)
                    request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }

            HttpResponseMessage response;
            try
            {
                response = await client.Http.SendAsync(request);
            }
            catch (Exception ex) when (ex is UriFormatException || (ex is InvalidOperationException && ex.StackTrace!.Contains("UrlDecoder", StringComparison.Ordinal)))
            {
                continue; // refused by HttpClient ("//host" paths) or by the test host's path decoder before any server code runs
            }
            using var _ = response;
            sent++;
            if ((int)response.StatusCode >= 500)
                failures.Add($"{(int)response.StatusCode} {method} {path} [{contentType}] {Truncate(body)}: {Truncate(await response.Content.ReadAsStringAsync())}");
        }

        Assert.True(sent > 500, $"only {sent} requests were sent");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task Gateway_Answers400_WhenJsonStringHoldsLoneSurrogate()
    {
        var client = factory.CreateGatewayClient();
        var token = await client.AppTokenAsync();

        using var response = await client.SendAsync(HttpMethod.Post, "users/u1/presence/web/1", token, """{"ext":"\ud800"}""");

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
    }

    private static string RandomPath(Random random)
    {
        var org = random.Next(6) == 0 ? Pick(random, Segments) : "demo";
        var app = random.Next(6) == 0 ? Pick(random, Segments) : "demo";
        var user = Pick(random, Segments);
        var tail = random.Next(7) switch
        {
            0 => "",
            1 => $"/{Pick(random, Segments)}",
            2 => $"/{Pick(random, Segments)}/{Pick(random, Segments)}",
            3 => $"/sublist?pageNum={Pick(random, Segments)}&pageSize={Pick(random, Segments)}",
            4 => $"/{Pick(random, Segments)}/{Pick(random, Segments)}/{Pick(random, Segments)}",
            5 => "/sublist",
            _ => $"/{random.Next(-5, 3_000_000)}",
        };
        return random.Next(10) switch
        {
            0 => $"/{org}/{app}/token",
            1 => $"/{org}/{app}/{user}",
            _ => $"/{org}/{app}/users/{user}/presence{tail}",
        };
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];

    private static string Truncate(string? text) => text is null ? "<none>" : text.Length <= 120 ? text : text[..120] + "…";
}
