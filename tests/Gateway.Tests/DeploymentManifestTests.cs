using System.Net;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Presence.Orleans.Gateway.Tests;

/// <summary>
/// There is no Docker engine or cluster here, so the Dockerfile and Kubernetes manifests are checked
/// statically against the service they deploy: probe paths answer, ports agree, configuration keys exist.
/// </summary>
public sealed partial class DeploymentManifestTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private static readonly string Deploy = Path.Combine(FindRepositoryRoot(), "deploy");

    [Fact]
    public async Task ProbePaths_AnswerOk_OnTheSilo()
    {
        var container = Container();
        using var http = factory.CreateClient();

        foreach (var probe in new[] { "readinessProbe", "livenessProbe" })
        {
            var path = Scalar(container, probe, "httpGet", "path");
            using var response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public void ContainerPort_MatchesTheImagePort_AndTheProbesUseIt()
    {
        var container = Container();
        var ports = (YamlSequenceNode)container.Children["ports"];
        var port = (YamlMappingNode)ports.Children.Single();
        var dockerfile = File.ReadAllText(Path.Combine(Deploy, "Dockerfile"));

        Assert.Equal(ImagePort().Match(dockerfile).Groups[1].Value, Scalar(port, "containerPort"));
        Assert.Equal(Scalar(port, "containerPort"), EnvValue(container, "ASPNETCORE_HTTP_PORTS"));
        Assert.Equal(Scalar(port, "name"), Scalar(container, "readinessProbe", "httpGet", "port"));
    }

    [Fact]
    public void Dockerfile_RunsTheSiloAssembly_AsNonRoot()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Deploy, "Dockerfile"));

        Assert.Contains("src/Silo/Presence.Orleans.Silo.csproj", dockerfile);
        Assert.Contains($"\"{typeof(Program).Assembly.GetName().Name}.dll\"", dockerfile);
        Assert.Matches(@"(?m)^USER app$", dockerfile);
    }

    [Fact]
    public void Configuration_NamesKeysTheSiloReads()
    {
        var container = Container();
        var secret = Load("k8s/secret.example.yaml");
        var secretKeys = ((YamlMappingNode)secret.Children["stringData"]).Children.Keys.Select(k => k.ToString()).ToList();

        Assert.Equal("Postgres", EnvValue(container, "Presence__Storage__Provider"));
        Assert.Contains("ConnectionStrings__Presence", secretKeys);
        Assert.Contains("Presence__Apps__0__ClientSecret", secretKeys);
        var secretRef = (YamlSequenceNode)container.Children["envFrom"];
        Assert.Equal(Scalar(secret, "metadata", "name"), Scalar((YamlMappingNode)secretRef.Children.Single(), "secretRef", "name"));
    }

    [Fact]
    public void Service_SelectsTheDeploymentPods()
    {
        var deployment = Load("k8s/deployment.yaml");
        var service = Load("k8s/service.yaml");

        Assert.Equal(
            Scalar(deployment, "spec", "template", "metadata", "labels", "app.kubernetes.io/name"),
            Scalar(service, "spec", "selector", "app.kubernetes.io/name"));
        Assert.Equal("1", Scalar(deployment, "spec", "replicas"));
    }

    private static YamlMappingNode Container()
    {
        var deployment = Load("k8s/deployment.yaml");
        var containers = (YamlSequenceNode)Node(deployment, "spec", "template", "spec", "containers");
        return (YamlMappingNode)containers.Children.Single();
    }

    private static string EnvValue(YamlMappingNode container, string name) =>
        ((YamlSequenceNode)container.Children["env"]).Children.Cast<YamlMappingNode>()
            .Single(e => e.Children["name"].ToString() == name).Children["value"].ToString();

    private static YamlMappingNode Load(string relativePath)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Deploy, relativePath));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static YamlNode Node(YamlMappingNode root, params string[] path)
    {
        YamlNode node = root;
        foreach (var key in path)
            node = ((YamlMappingNode)node).Children[new YamlScalarNode(key)];
        return node;
    }

    private static string Scalar(YamlMappingNode root, params string[] path) => Node(root, path).ToString();

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Presence.Orleans.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("Repository root not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"ASPNETCORE_HTTP_PORTS=(\d+)")]
    private static partial Regex ImagePort();
}
