using System.Net;
using System.Text.RegularExpressions;
using Presence.Silo;
using YamlDotNet.RepresentationModel;

namespace Presence.Api.Tests;

/// <summary>
/// There is no Docker engine or cluster here, so the Dockerfile and Kubernetes manifests (silos and gateways) are
/// checked statically against the service they deploy: probe paths answer, ports agree, configuration keys exist,
/// Services and budgets select the right pods.
/// </summary>
public sealed partial class DeploymentManifestTests(GatewayFactory factory) : IClassFixture<GatewayFactory>
{
    private const string Silo = "silo";
    private const string Gateway = "gateway";
    private static readonly string Deploy = Path.Combine(RepositoryRoot.Path, "deploy");
    private static readonly string[] Probes = ["startupProbe", "readinessProbe", "livenessProbe"];

    private static readonly string[] ComponentNames = [Silo, Gateway];

    public static TheoryData<string> Components => new(ComponentNames);

    [Theory]
    [MemberData(nameof(Components))]
    public async Task ProbePaths_AnswerOk_OnAStartedHost(string component)
    {
        // Both processes map the same health endpoints (MapPresenceHostEndpoints); a started silo host answers them here.
        var container = Container(component);
        using var http = factory.CreateClient();

        foreach (var probe in Probes)
        {
            var path = Scalar(container, probe, "httpGet", "path");
            using var response = await http.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{component} {probe} {path}: {(int)response.StatusCode}");
        }
    }

    [Theory]
    [MemberData(nameof(Components))]
    public void HttpPort_MatchesTheImagePort_AndTheProbesUseIt(string component)
    {
        var container = Container(component);
        var http = Port(container, "http");

        Assert.Equal(ImagePort().Match(Dockerfile()).Groups[1].Value, Scalar(http, "containerPort"));
        Assert.Equal(Scalar(http, "containerPort"), EnvValue(container, "ASPNETCORE_HTTP_PORTS"));
        Assert.All(Probes, probe => Assert.Equal(Scalar(http, "name"), Scalar(container, probe, "httpGet", "port")));
    }

    /// <summary>deploy/k8s-schema: Kubernetes 1.34's OpenAPI schemas (npm kubernetes-models 5.1.0), not string checks.</summary>
    private static readonly NodePackage SchemaValidator = new(Path.Combine("deploy", "k8s-schema"), Path.Combine("kubernetes-models", "package.json"));

    [Fact]
    public async Task RenderedManifests_AreValidAgainstKubernetesSchemas_AndABrokenOneIsNot()
    {
        var rendered = await ProcessRunner.RunAsync(NodePackage.Tool("kubectl"), ["kustomize", Path.Combine(RepositoryRoot.Path, "deploy", "k8s")],
            null, null, TimeSpan.FromMinutes(1));
        var manifests = Path.Combine(Path.GetTempPath(), $"presence-k8s-{Guid.NewGuid():N}.yaml");
        var broken = Path.ChangeExtension(manifests, ".broken.yaml");
        try
        {
            await File.WriteAllTextAsync(manifests, rendered);
            await File.WriteAllTextAsync(broken, rendered.Replace("periodSeconds: 5", "periodSeconds: five", StringComparison.Ordinal));

            var output = await SchemaValidator.RunAsync("validate.mjs", manifests);
            var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => SchemaValidator.RunAsync("validate.mjs", broken));

            Assert.Matches(@"^[1-9]\d* valid, 0 invalid", output.Trim());
            Assert.Contains("periodSeconds must be integer", failure.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(manifests);
            File.Delete(broken);
        }
    }

    [Theory]
    [MemberData(nameof(Components))]
    public void ReadinessProbe_WaitsLongerThanTheStoragePing(string component)
    {
        var timeout = int.Parse(Scalar(Container(component), "readinessProbe", "timeoutSeconds"), System.Globalization.CultureInfo.InvariantCulture);

        Assert.True(TimeSpan.FromSeconds(timeout) > Presence.Silo.StorageReadinessHealthCheck.PingTimeout,
            $"{component}: a readiness timeout of {timeout} s would time out while a slow database is still being pinged");
    }

    [Theory]
    [MemberData(nameof(Components))]
    public async Task ScrapeAnnotations_PointAtTheMetricsEndpoint_OnTheHttpPort(string component)
    {
        var annotations = Labels(Load($"k8s/{component}-deployment.yaml"), "spec", "template", "metadata", "annotations");
        var http = Port(Container(component), "http");

        Assert.Equal("true", annotations["prometheus.io/scrape"]);
        Assert.Equal(Scalar(http, "containerPort"), annotations["prometheus.io/port"]);
        Assert.Equal(TelemetryHostingExtensions.MetricsPath, annotations["prometheus.io/path"]);
        using var client = factory.CreateClient();
        using var response = await client.GetAsync(annotations["prometheus.io/path"]);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void SiloPorts_AreTheClusterSettings_AndTheImageExposesThem()
    {
        var container = Container(Silo);
        var silo = Stage(Dockerfile(), Silo);

        foreach (var (portName, setting) in new[] { ("silo", nameof(PresenceClusterOptions.SiloPort)), ("gateway", nameof(PresenceClusterOptions.GatewayPort)) })
        {
            var port = Scalar(Port(container, portName), "containerPort");
            Assert.Equal(port, EnvValue(container, EnvName(PresenceClusterOptions.SectionName, setting)));
            Assert.Matches($@"(?m)^EXPOSE\b.*\b{port}\b", silo);
        }
    }

    [Fact]
    public void Dockerfile_BuildsAnImagePerProcess_RunningItsAssemblyAsNonRoot()
    {
        var dockerfile = Dockerfile();

        Assert.Contains("src/Silo/Presence.Silo.csproj", dockerfile);
        Assert.Contains("src/Gateway/Presence.Gateway.csproj", dockerfile);
        Assert.Contains($"ENTRYPOINT [\"dotnet\", \"{typeof(Program).Assembly.GetName().Name}.dll\"]", Stage(dockerfile, Silo));
        Assert.Contains($"ENTRYPOINT [\"dotnet\", \"Presence.Gateway.dll\"]", Stage(dockerfile, Gateway));
        // A numeric user, so that the pods' runAsNonRoot can check it.
        Assert.Matches(@"(?m)^USER \$APP_UID$", dockerfile);
        Assert.All(ComponentNames, component =>
            Assert.Equal("true", Scalar(Load($"k8s/{component}-deployment.yaml"), "spec", "template", "spec", "securityContext", "runAsNonRoot")));
    }

    [Theory]
    [MemberData(nameof(Components))]
    public void Configuration_NamesKeysTheProcessReads(string component)
    {
        var container = Container(component);
        var secret = Load("k8s/secret.example.yaml");
        var secretName = Scalar(secret, "metadata", "name");
        var secretKeys = ((YamlMappingNode)secret.Children["stringData"]).Children.Keys.Select(k => k.ToString()).ToList();

        Assert.Equal(nameof(ClusterProvider.Postgres), EnvValue(container, EnvName(PresenceClusterOptions.SectionName, nameof(PresenceClusterOptions.Provider))));
        if (component == Silo)
            Assert.Equal(nameof(StorageProvider.Postgres), EnvValue(container, EnvName(StorageOptions.SectionName, nameof(StorageOptions.Provider))));
        // The connection string is named explicitly, so that a Secret without it stops the pod before it starts.
        var connectionString = Env(container, $"ConnectionStrings__{PresenceClusterOptions.ConnectionStringName}");
        Assert.Equal(secretName, Scalar(connectionString, "valueFrom", "secretKeyRef", "name"));
        Assert.Contains(Scalar(connectionString, "valueFrom", "secretKeyRef", "key"), secretKeys);
        // The apps come from the Secret as a whole: every process issues and verifies tokens.
        Assert.Contains(EnvName(PresenceAppsOptions.SectionName, nameof(PresenceAppsOptions.Apps), "0", nameof(PresenceAppOptions.ClientSecret)), secretKeys);
        var secretRef = (YamlSequenceNode)container.Children["envFrom"];
        Assert.Equal(secretName, Scalar((YamlMappingNode)secretRef.Children.Single(), "secretRef", "name"));
    }

    [Theory]
    [MemberData(nameof(Components))]
    public void Service_SelectsOnlyItsComponentsPods_OnTheirHttpPort(string component)
    {
        var service = Load($"k8s/{component}-service.yaml");
        var selector = Labels(service, "spec", "selector");

        foreach (var other in ComponentNames)
        {
            var pods = Labels(Load($"k8s/{other}-deployment.yaml"), "spec", "template", "metadata", "labels");
            Assert.Equal(other == component, selector.All(label => pods.GetValueOrDefault(label.Key) == label.Value));
        }
        var port = (YamlMappingNode)((YamlSequenceNode)Node(service, "spec", "ports")).Children.Single();
        Assert.Equal(Scalar(Port(Container(component), "http"), "name"), Scalar(port, "targetPort"));
    }

    [Theory]
    [MemberData(nameof(Components))]
    public void DeploymentAndDisruptionBudget_SelectTheDeploymentsPods(string component)
    {
        var deployment = Load($"k8s/{component}-deployment.yaml");
        var pods = Labels(deployment, "spec", "template", "metadata", "labels");
        var budget = Load($"k8s/{component}-pdb.yaml");

        Assert.All(Labels(deployment, "spec", "selector", "matchLabels"), label => Assert.Equal(label.Value, pods.GetValueOrDefault(label.Key)));
        Assert.Equal(Labels(deployment, "spec", "selector", "matchLabels"), Labels(budget, "spec", "selector", "matchLabels"));
        Assert.Equal("1", Scalar(budget, "spec", "maxUnavailable"));
    }

    [Fact]
    public void Silos_AreEnoughToVoteACrashedOneDead_AndTheAutoscalerOwnsTheGatewayCount()
    {
        var silos = Load("k8s/silo-deployment.yaml");
        var gateways = Load("k8s/gateway-deployment.yaml");
        var autoscaler = Load("k8s/gateway-hpa.yaml");

        // Two votes declare a silo dead (Presence:Cluster:Membership): two survivors of three.
        Assert.True(int.Parse(Scalar(silos, "spec", "replicas")) >= 3, "at least three silos");
        // A replicas field would be re-applied by every kubectl apply and fight the autoscaler.
        Assert.False(((YamlMappingNode)gateways.Children["spec"]).Children.ContainsKey("replicas"));
        Assert.Equal("Deployment", Scalar(autoscaler, "spec", "scaleTargetRef", "kind"));
        Assert.Equal(Scalar(gateways, "metadata", "name"), Scalar(autoscaler, "spec", "scaleTargetRef", "name"));
        Assert.True(int.Parse(Scalar(autoscaler, "spec", "minReplicas")) >= 2, "at least two gateways");
    }

    [Theory]
    [MemberData(nameof(Components))]
    public void Drain_FitsInTheTerminationGracePeriod(string component)
    {
        var deployment = Load($"k8s/{component}-deployment.yaml");
        var container = Container(component);

        var grace = int.Parse(Scalar(deployment, "spec", "template", "spec", "terminationGracePeriodSeconds"));
        var preStop = int.Parse(Scalar(container, "lifecycle", "preStop", "sleep", "seconds"));
        var shutdown = int.Parse(EnvValue(container, "DOTNET_SHUTDOWNTIMEOUTSECONDS"));

        Assert.True(preStop + shutdown < grace, $"preStop {preStop} s + host shutdown {shutdown} s must end before the kubelet's SIGKILL at {grace} s");
    }

    [Fact]
    public void Kustomization_ListsEveryManifest_AndNamesBothImages()
    {
        var kustomization = Load("k8s/kustomization.yaml");
        var resources = ((YamlSequenceNode)kustomization.Children["resources"]).Children.Select(r => r.ToString()).Order(StringComparer.Ordinal);
        var manifests = Directory.GetFiles(Path.Combine(Deploy, "k8s"), "*.yaml").Select(Path.GetFileName)
            .Where(name => name != "kustomization.yaml").Order(StringComparer.Ordinal);
        var images = ((YamlSequenceNode)kustomization.Children["images"]).Children.Cast<YamlMappingNode>().Select(i => Scalar(i, "name")).Order(StringComparer.Ordinal);

        Assert.Equal(manifests, resources);
        Assert.Equal(ComponentNames.Select(c => Scalar(Container(c), "image")).Order(StringComparer.Ordinal), images);
    }

    private static string Dockerfile() => File.ReadAllText(Path.Combine(Deploy, "Dockerfile"));

    /// <summary>The lines of one build stage (<c>FROM … AS name</c> up to the next <c>FROM</c>).</summary>
    private static string Stage(string dockerfile, string name)
    {
        var match = Regex.Match(dockerfile, $@"(?ms)^FROM \S+ AS {Regex.Escape(name)}\s*$.*?(?=^FROM |\z)");
        Assert.True(match.Success, $"the Dockerfile has no stage '{name}'");
        return match.Value;
    }

    private static YamlMappingNode Container(string component)
    {
        var deployment = Load($"k8s/{component}-deployment.yaml");
        var containers = (YamlSequenceNode)Node(deployment, "spec", "template", "spec", "containers");
        return (YamlMappingNode)containers.Children.Single();
    }

    private static YamlMappingNode Port(YamlMappingNode container, string name) =>
        ((YamlSequenceNode)container.Children["ports"]).Children.Cast<YamlMappingNode>().Single(p => Scalar(p, "name") == name);

    private static YamlMappingNode Env(YamlMappingNode container, string name) =>
        ((YamlSequenceNode)container.Children["env"]).Children.Cast<YamlMappingNode>().Single(e => e.Children["name"].ToString() == name);

    private static string EnvValue(YamlMappingNode container, string name) => Env(container, name).Children["value"].ToString();

    /// <summary>A configuration key as an environment variable: <c>Presence:Cluster</c> + <c>SiloPort</c> → <c>Presence__Cluster__SiloPort</c>.</summary>
    private static string EnvName(params string[] parts) => string.Join("__", parts.SelectMany(p => p.Split(':')));

    private static Dictionary<string, string> Labels(YamlMappingNode root, params string[] path) =>
        ((YamlMappingNode)Node(root, path)).Children.ToDictionary(p => p.Key.ToString(), p => p.Value.ToString());

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

    [GeneratedRegex(@"ASPNETCORE_HTTP_PORTS=(\d+)")]
    private static partial Regex ImagePort();
}
