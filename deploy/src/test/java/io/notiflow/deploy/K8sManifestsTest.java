package io.notiflow.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.notiflow.deploy.ComposeFilesTest.ServiceModule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Checks the Kubernetes manifests under {@code deploy/k8s} against the code, because no cluster runs where the
 * build does. Every document is parsed with the fabric8 Kubernetes model: core kinds into their typed classes, the
 * operators' kinds (RabbitMQ, CloudNativePG, KEDA) as generic resources. What a service serves (ports, health
 * paths) and reads (environment variables) comes from {@link ComposeFilesTest}'s reading of the modules' own
 * configuration, so the two deployments are held to one view of the code.
 */
class K8sManifestsTest {

    /** kind -> the apiVersion it must have and the model class it must parse into. */
    private static final Map<String, Kind> KINDS = Map.ofEntries(
            Map.entry("Namespace", new Kind("v1", Namespace.class)),
            Map.entry("ConfigMap", new Kind("v1", ConfigMap.class)),
            Map.entry("Secret", new Kind("v1", Secret.class)),
            Map.entry("Service", new Kind("v1", Service.class)),
            Map.entry("Deployment", new Kind("apps/v1", Deployment.class)),
            Map.entry("PodDisruptionBudget", new Kind("policy/v1", PodDisruptionBudget.class)),
            Map.entry("HorizontalPodAutoscaler", new Kind("autoscaling/v2", HorizontalPodAutoscaler.class)),
            Map.entry("RabbitmqCluster", new Kind("rabbitmq.com/v1beta1", GenericKubernetesResource.class)),
            Map.entry("Vhost", new Kind("rabbitmq.com/v1beta1", GenericKubernetesResource.class)),
            Map.entry("User", new Kind("rabbitmq.com/v1beta1", GenericKubernetesResource.class)),
            Map.entry("Permission", new Kind("rabbitmq.com/v1beta1", GenericKubernetesResource.class)),
            Map.entry("Cluster", new Kind("postgresql.cnpg.io/v1", GenericKubernetesResource.class)),
            Map.entry("ScaledObject", new Kind("keda.sh/v1alpha1", GenericKubernetesResource.class)),
            Map.entry("TriggerAuthentication", new Kind("keda.sh/v1alpha1", GenericKubernetesResource.class)));

    /** The services clients talk to, scaled on CPU; every other service that delivers a channel scales on its queue. */
    private static final Set<String> CPU_SCALED = Set.of("api-service", "inapp-gateway");

    private static final String TEMPLATE = "secret-template.yaml";
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(PASSWORD|PASS|TOKEN|SECRET|API_KEYS|ACCOUNT_SID).*");

    private static Path dir;
    private static Map<String, ServiceModule> modules;
    private static List<Doc> docs;
    private static List<Doc> applied;
    private static Map<String, Deployment> deployments;
    private static Map<String, Map<String, String>> templateSecrets;

    record Kind(String apiVersion, Class<?> model) {
    }

    record Doc(Path file, HasMetadata resource) {
        String where() {
            return dir.relativize(file) + " " + resource.getKind() + " " + resource.getMetadata().getName();
        }
    }

    @BeforeAll
    static void load() throws IOException {
        ComposeFilesTest.load();
        modules = ComposeFilesTest.modules;
        dir = ComposeFilesTest.root.resolve("deploy/k8s");
        KubernetesSerialization serialization = new KubernetesSerialization();
        docs = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                if (file.getFileName().toString().equals("kustomization.yaml")) {
                    continue;
                }
                for (String text : Files.readString(file).split("(?m)^---\\s*$")) {
                    if (text.lines().allMatch(l -> l.isBlank() || l.trim().startsWith("#"))) {
                        continue;
                    }
                    Object parsed = serialization.unmarshal(text);
                    assertInstanceOf(HasMetadata.class, parsed, file + ": a Kubernetes resource");
                    docs.add(new Doc(file, (HasMetadata) parsed));
                }
            }
        }
        applied = docs.stream().filter(d -> !d.file.getFileName().toString().equals(TEMPLATE)).toList();
        deployments = new TreeMap<>();
        for (Deployment d : all(Deployment.class)) {
            Container container = d.getSpec().getTemplate().getSpec().getContainers().get(0);
            String module = container.getImage().replaceFirst("^notiflow/", "").replaceFirst(":.*", "");
            assertFalse(deployments.containsKey(module), "two Deployments run " + module);
            deployments.put(module, d);
        }
        templateSecrets = new TreeMap<>();
        docs.stream().filter(d -> d.file.getFileName().toString().equals(TEMPLATE))
                .forEach(d -> templateSecrets.put(d.resource.getMetadata().getName(), secretData((Secret) d.resource)));
    }

    // --- the model ---------------------------------------------------------------------------------------------

    @Test
    void everyDocumentParsesIntoTheModelOfItsKind() {
        assertFalse(docs.isEmpty(), "manifests under " + dir);
        for (Doc doc : docs) {
            HasMetadata r = doc.resource;
            Kind kind = KINDS.get(r.getKind());
            assertNotNull(kind, doc.where() + ": an unexpected kind (add it to KINDS with its apiVersion)");
            assertEquals(kind.apiVersion, r.getApiVersion(), doc.where() + ": apiVersion");
            assertEquals(kind.model, r.getClass(), doc.where() + ": parses into " + kind.model.getSimpleName());
            assertNotNull(r.getMetadata().getName(), doc.where() + ": a name");
            assertEquals(null, r.getMetadata().getNamespace(), doc.where()
                    + ": no namespace of its own; kustomization.yaml sets it");
        }
    }

    @Test
    void kustomizationAppliesEveryManifestButTheSecretTemplate() throws IOException {
        Map<String, Object> k = new Yaml().load(Files.readString(dir.resolve("kustomization.yaml")));
        assertEquals("kustomize.config.k8s.io/v1beta1", k.get("apiVersion"));
        assertEquals("Kustomization", k.get("kind"));
        Set<String> listed = new TreeSet<>(strings(k.get("resources")));
        Set<String> files = docs.stream().map(d -> d.file.getFileName().toString())
                .filter(f -> !f.equals(TEMPLATE)).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(files, listed, "kustomization.yaml lists every manifest and never " + TEMPLATE
                + " (apply -k must not overwrite the real Secrets)");
        String namespace = (String) k.get("namespace");
        assertTrue(all(Namespace.class).stream().anyMatch(n -> n.getMetadata().getName().equals(namespace)),
                "the namespace kustomization.yaml sets is one of the manifests");
        Set<String> images = ((List<?>) k.get("images")).stream().map(i -> (String) ((Map<?, ?>) i).get("name"))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> used = deployments.values().stream()
                .map(d -> d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(used, images, "kustomization.yaml's images name the Deployments' images (untagged there)");
        assertTrue(docs.stream().filter(d -> d.resource instanceof Secret)
                .allMatch(d -> d.file.getFileName().toString().equals(TEMPLATE)), "Secrets only in " + TEMPLATE);
    }

    // --- the services ------------------------------------------------------------------------------------------

    @Test
    void everyServiceModuleHasADeploymentAServiceAndADisruptionBudget() {
        assertEquals(modules.keySet(), deployments.keySet(), "one Deployment per service module (image notiflow/<module>)");
        deployments.forEach((module, d) -> {
            Map<String, String> labels = d.getSpec().getTemplate().getMetadata().getLabels();
            assertTrue(labels.entrySet().containsAll(d.getSpec().getSelector().getMatchLabels().entrySet()),
                    module + ": the selector matches the pod template");
            assertEquals(1, d.getSpec().getTemplate().getSpec().getContainers().size(), module + ": one container");
            List<PodDisruptionBudget> pdbs = all(PodDisruptionBudget.class).stream()
                    .filter(p -> selects(p.getSpec().getSelector().getMatchLabels(), labels)).toList();
            assertEquals(1, pdbs.size(), module + ": one PodDisruptionBudget");
            IntOrString minAvailable = pdbs.get(0).getSpec().getMinAvailable();
            assertTrue(minAvailable != null && minAvailable.getIntVal() != null && minAvailable.getIntVal() >= 1,
                    module + ": the PodDisruptionBudget keeps one pod at least");
            assertEquals(1, all(Service.class).stream().filter(s -> selects(s.getSpec().getSelector(), labels)).count(),
                    module + ": one Service");
        });
    }

    @Test
    void probesAskTheHealthEndpointsOnTheManagementPort() {
        deployments.forEach((module, d) -> {
            ServiceModule m = modules.get(module);
            Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
            Map<String, String> p = m.properties();
            String health = "/" + trim(p.getOrDefault("quarkus.management.root-path", "q")) + "/"
                    + trim(p.getOrDefault("quarkus.smallrye-health.root-path", "health")) + "/";
            String ready = health + trim(p.getOrDefault("quarkus.smallrye-health.readiness-path", "ready"));
            String live = health + trim(p.getOrDefault("quarkus.smallrye-health.liveness-path", "live"));
            String started = health + trim(p.getOrDefault("quarkus.smallrye-health.startup-path", "started"));
            checkProbe(module, "readinessProbe", c.getReadinessProbe(), c, m, Set.of(ready));
            checkProbe(module, "livenessProbe", c.getLivenessProbe(), c, m, Set.of(live));
            if (c.getStartupProbe() != null) {
                checkProbe(module, "startupProbe", c.getStartupProbe(), c, m, Set.of(live, started));
            }
            // Its default, 127.0.0.1, hides the management interface from the kubelet.
            assertEquals("0.0.0.0", environment(d).get("MANAGEMENT_HOST"), module + ": MANAGEMENT_HOST");
        });
    }

    private static void checkProbe(String module, String which, Probe probe, Container c, ServiceModule m,
                                   Set<String> paths) {
        String where = module + " " + which;
        assertNotNull(probe, where);
        HTTPGetAction get = probe.getHttpGet();
        assertNotNull(get, where + ": an HTTP GET of the health endpoint");
        assertTrue(paths.contains(get.getPath()), where + " asks " + get.getPath() + "; the service serves " + paths);
        assertEquals(m.managementPort(), containerPort(c, get.getPort(), where), where
                + ": on the management port (quarkus.management.port)");
    }

    @Test
    void containerAndServicePortsAreTheServicesOwn() {
        deployments.forEach((module, d) -> {
            ServiceModule m = modules.get(module);
            Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
            Set<Integer> declared = c.getPorts().stream().map(ContainerPort::getContainerPort)
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(Set.of(m.port(), m.managementPort()), declared, module
                    + ": the container ports are quarkus.http.port and quarkus.management.port");
            Map<String, String> env = environment(d);
            for (String moved : List.of("QUARKUS_HTTP_PORT", "QUARKUS_MANAGEMENT_PORT")) {
                assertFalse(env.containsKey(moved), module + ": " + moved + " moves the service off its fixed port");
            }
            Map<String, String> labels = d.getSpec().getTemplate().getMetadata().getLabels();
            for (Service s : all(Service.class)) {
                if (!selects(s.getSpec().getSelector(), labels)) {
                    continue;
                }
                assertTrue(s.getSpec().getPorts().stream().anyMatch(sp -> sp.getPort() == m.port()), module
                        + ": the Service offers " + m.port());
                for (ServicePort sp : s.getSpec().getPorts()) {
                    String where = module + " Service port " + sp.getName();
                    int target = containerPort(c, sp.getTargetPort(), where);
                    assertEquals(sp.getPort(), target, where + ": the fixed port, the same inside and out");
                }
            }
        });
    }

    @Test
    void resourcesAreSetAndCoverTheMeasuredPeakMemory() throws IOException {
        Map<String, Integer> peakRss = measuredPeakRss();
        assertFalse(peakRss.isEmpty(), "docs/BENCHMARKS.md has the peak RSS row the requests are sized from");
        deployments.forEach((module, d) -> {
            Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
            Map<String, Quantity> requests = c.getResources().getRequests();
            Map<String, Quantity> limits = c.getResources().getLimits();
            for (String resource : List.of("cpu", "memory")) {
                assertNotNull(requests.get(resource), module + ": requests." + resource);
                assertNotNull(limits.get(resource), module + ": limits." + resource);
                assertTrue(bytes(limits.get(resource)).compareTo(bytes(requests.get(resource))) >= 0,
                        module + ": the " + resource + " limit is not below the request");
            }
            Integer rss = peakRss.get(module);
            if (rss != null) {
                BigDecimal measured = BigDecimal.valueOf(rss).multiply(BigDecimal.valueOf(1024 * 1024));
                assertTrue(bytes(requests.get("memory")).compareTo(measured) >= 0, module + ": the memory request "
                        + requests.get("memory") + " is below the peak RSS measured (" + rss + " MiB)");
            }
        });
    }

    /** module -> MiB, from the "peak RSS: a, b, c | x, y, z MiB" row of docs/BENCHMARKS.md. */
    private static Map<String, Integer> measuredPeakRss() throws IOException {
        Matcher m = Pattern.compile("(?m)^\\| peak RSS: ([^|]+)\\| ([\\d, ]+) MiB")
                .matcher(Files.readString(ComposeFilesTest.root.resolve("docs/BENCHMARKS.md")));
        Map<String, Integer> rss = new TreeMap<>();
        if (m.find()) {
            String[] names = m.group(1).trim().split(",\\s*");
            String[] values = m.group(2).trim().split(",\\s*");
            for (int i = 0; i < names.length; i++) {
                rss.put(names[i], Integer.parseInt(values[i]));
            }
        }
        return rss;
    }

    // --- configuration and secrets -----------------------------------------------------------------------------

    @Test
    void everyVariableADeploymentSetsIsOneTheServiceReads() {
        List<String> unread = new ArrayList<>();
        List<String> unset = new ArrayList<>();
        deployments.forEach((module, d) -> {
            ServiceModule m = modules.get(module);
            Map<String, String> env = environment(d);
            assertFalse(env.containsKey("ALLOW_DEV_SECRETS"), module + ": production refuses development secrets");
            for (String variable : env.keySet()) {
                // Quarkus reads its own QUARKUS_* settings; the ones an operator sets are named in deploy/README.md.
                boolean quarkus = variable.startsWith("QUARKUS_") && ComposeFilesTest.documented.contains(variable);
                if (!m.reads().containsKey(variable) && !quarkus) {
                    unread.add(module + ": " + variable);
                }
            }
            m.localhostDefaults().forEach((alternatives, origin) -> {
                boolean exempt = alternatives.stream().anyMatch(v -> ComposeFilesTest.LOCALHOST_DEFAULT_UNUSED_WHEN_SET
                        .getOrDefault(v, List.of()).stream().anyMatch(env::containsKey));
                if (!exempt && alternatives.stream().noneMatch(env::containsKey)) {
                    unset.add(module + ": one of " + alternatives + " (" + origin + ")");
                }
            });
        });
        assertTrue(unread.isEmpty(), "variables set that the service never reads:\n  " + String.join("\n  ", unread));
        assertTrue(unset.isEmpty(), "settings whose default points at the pod itself:\n  " + String.join("\n  ", unset));
    }

    @Test
    void theServicesReachTheOperatorsBrokerAndDatabase() {
        GenericKubernetesResource rabbit = one("RabbitmqCluster");
        assertEquals(3, spec(rabbit).get("replicas"), "RabbitMQ: three nodes, so the quorum queues survive one");
        GenericKubernetesResource vhost = one("Vhost");
        GenericKubernetesResource cnpg = one("Cluster");
        Map<?, ?> initdb = (Map<?, ?>) ((Map<?, ?>) spec(cnpg).get("bootstrap")).get("initdb");
        assertTrue((Integer) spec(cnpg).get("instances") >= 2, "PostgreSQL: a primary and a replica at least");
        deployments.forEach((module, d) -> {
            Map<String, String> env = environment(d);
            assertEquals(rabbit.getMetadata().getName(), env.get("RABBITMQ_HOST"), module
                    + ": RABBITMQ_HOST is the RabbitmqCluster's Service");
            assertEquals("5672", env.getOrDefault("RABBITMQ_PORT", "5672"), module + ": AMQP port");
            assertEquals(spec(vhost).get("name"), env.get("RABBITMQ_VIRTUAL_HOST"), module + ": the Vhost's name");
            String url = env.get("QUARKUS_DATASOURCE_JDBC_URL");
            String jdbcUrl = modules.get(module).jdbcUrl();
            String database = jdbcUrl.substring(jdbcUrl.lastIndexOf('/') + 1);
            assertEquals("jdbc:postgresql://" + cnpg.getMetadata().getName() + "-rw:5432/" + database, url,
                    module + ": the CloudNativePG primary (<cluster>-rw) and the services' database");
            assertEquals(database, initdb.get("database"), "the Cluster makes the services' database");
        });
        // The services declare quorum queues themselves (delivery-core's Topology); the cluster replicates them.
        String topology = topologySource();
        assertTrue(topology.contains("Map.of(\"x-queue-type\", \"quorum\")"), "Topology declares quorum work queues");
    }

    @Test
    void everySecretReferenceNamesAKeyOfTheTemplate() {
        List<String> missing = new ArrayList<>();
        deployments.forEach((module, d) -> {
            PodSpec pod = d.getSpec().getTemplate().getSpec();
            Container c = pod.getContainers().get(0);
            for (EnvVar e : Objects.requireNonNullElse(c.getEnv(), List.<EnvVar>of())) {
                SecretKeySelector ref = e.getValueFrom() == null ? null : e.getValueFrom().getSecretKeyRef();
                if (ref != null) {
                    checkKey(missing, module + " " + e.getName(), ref.getName(), ref.getKey());
                } else {
                    assertFalse(SECRET_NAME.matcher(e.getName()).matches(), module + ": " + e.getName()
                            + " is a secret; take it from a Secret (secretKeyRef)");
                }
            }
            for (Volume v : Objects.requireNonNullElse(pod.getVolumes(), List.<Volume>of())) {
                if (v.getSecret() != null) {
                    v.getSecret().getItems().forEach(i -> checkKey(missing, module + " volume " + v.getName(),
                            v.getSecret().getSecretName(), i.getKey()));
                }
            }
            // A file a variable names is one a secret volume provides.
            environment(d).forEach((name, value) -> {
                if (value != null && value.startsWith("/")) {
                    assertTrue(secretFiles(pod, c).contains(value), module + ": " + name + "=" + value
                            + " is no file of a mounted secret " + secretFiles(pod, c));
                }
            });
        });
        GenericKubernetesResource cnpg = one("Cluster");
        Map<?, ?> initdb = (Map<?, ?>) ((Map<?, ?>) spec(cnpg).get("bootstrap")).get("initdb");
        String ownerSecret = (String) ((Map<?, ?>) initdb.get("secret")).get("name");
        checkKey(missing, "Cluster owner", ownerSecret, "password");
        assertEquals(initdb.get("owner"), templateSecrets.getOrDefault(ownerSecret, Map.of()).get("username"),
                "the owner's Secret names the owner");
        for (Object role : (List<?>) ((Map<?, ?>) spec(cnpg).get("managed")).get("roles")) {
            String secret = (String) ((Map<?, ?>) ((Map<?, ?>) role).get("passwordSecret")).get("name");
            checkKey(missing, "Cluster role", secret, "password");
            assertEquals(((Map<?, ?>) role).get("name"), templateSecrets.getOrDefault(secret, Map.of()).get("username"),
                    "a managed role's Secret names the role");
        }
        String userSecret = (String) ((Map<?, ?>) spec(one("User")).get("importCredentialsSecret")).get("name");
        checkKey(missing, "RabbitMQ User", userSecret, "username");
        checkKey(missing, "RabbitMQ User", userSecret, "password");
        for (Object ref : (List<?>) spec(one("TriggerAuthentication")).get("secretTargetRef")) {
            Map<?, ?> r = (Map<?, ?>) ref;
            checkKey(missing, "TriggerAuthentication", (String) r.get("name"), (String) r.get("key"));
        }
        assertTrue(missing.isEmpty(), "secret keys missing from " + TEMPLATE + ":\n  " + String.join("\n  ", missing));
    }

    @Test
    void theSecretTemplateHoldsOnlyPlaceholdersTheServicesRefuse() throws IOException {
        String rules = ComposeFilesTest.stripComments(Files.readString(ComposeFilesTest.root
                .resolve("delivery-core/src/main/java/io/notiflow/core/config/SecretRules.java")));
        Matcher list = Pattern.compile("PLACEHOLDER_MARKS\\s*=\\s*List\\.of\\(([^)]*)\\)").matcher(rules);
        assertTrue(list.find(), "SecretRules.PLACEHOLDER_MARKS");
        List<String> marks = new ArrayList<>();
        Matcher literal = Pattern.compile("\"([^\"]*)\"").matcher(list.group(1));
        while (literal.find()) {
            marks.add(literal.group(1));
        }
        assertFalse(templateSecrets.isEmpty(), TEMPLATE);
        templateSecrets.forEach((secret, data) -> data.forEach((key, value) -> {
            if (!key.equals("username")) {
                String lower = value.toLowerCase(java.util.Locale.ROOT);
                assertTrue(marks.stream().anyMatch(lower::contains), TEMPLATE + " " + secret + "/" + key
                        + " is not a placeholder that SecretRules refuses " + marks);
            }
        }));
    }

    // --- scaling -----------------------------------------------------------------------------------------------

    @Test
    void clientFacingServicesScaleOnCpuAndWorkersOnTheirOwnQueue() throws IOException {
        Map<String, HorizontalPodAutoscaler> hpas = new TreeMap<>();
        for (HorizontalPodAutoscaler h : all(HorizontalPodAutoscaler.class)) {
            assertEquals("Deployment", h.getSpec().getScaleTargetRef().getKind());
            hpas.put(h.getSpec().getScaleTargetRef().getName(), h);
        }
        assertEquals(CPU_SCALED, hpas.keySet(), "HPAs on CPU");
        hpas.forEach((name, h) -> {
            assertTrue(deployments.containsKey(name), "HPA " + name + ": scales a Deployment of the manifests");
            assertTrue(h.getSpec().getMetrics().stream().anyMatch(m -> m.getResource() != null
                    && m.getResource().getName().equals("cpu")), "HPA " + name + ": on CPU");
        });
        Set<String> triggerAuths = generic("TriggerAuthentication").stream().map(t -> t.getMetadata().getName())
                .collect(Collectors.toSet());
        Map<String, String> queueOf = new TreeMap<>();
        for (GenericKubernetesResource so : generic("ScaledObject")) {
            String target = (String) ((Map<?, ?>) spec(so).get("scaleTargetRef")).get("name");
            assertTrue(deployments.containsKey(target), "ScaledObject " + so.getMetadata().getName()
                    + ": scales a Deployment of the manifests, not " + target);
            assertFalse(hpas.containsKey(target), target + ": an HPA and a ScaledObject (KEDA's own HPA) would fight");
            List<?> triggers = (List<?>) spec(so).get("triggers");
            assertEquals(1, triggers.size(), target + ": one trigger");
            Map<?, ?> trigger = (Map<?, ?>) triggers.get(0);
            assertEquals("rabbitmq", trigger.get("type"), target);
            Map<?, ?> metadata = (Map<?, ?>) trigger.get("metadata");
            assertEquals("QueueLength", metadata.get("mode"), target + ": on the queue's depth");
            String auth = (String) ((Map<?, ?>) trigger.get("authenticationRef")).get("name");
            assertTrue(triggerAuths.contains(auth), target + ": its TriggerAuthentication " + auth + " exists");
            queueOf.put(target, (String) metadata.get("queueName"));
        }
        Map<String, String> expected = new TreeMap<>();
        for (String module : modules.keySet()) {
            String channel = channelOf(module);
            if (channel != null && !CPU_SCALED.contains(module)) {
                expected.put(module, workQueue(channel));
            }
        }
        assertFalse(expected.isEmpty(), "the workers (modules with a ChannelSender)");
        assertEquals(expected, queueOf, "a ScaledObject per worker, on its own work queue (Topology.workQueue)");
    }

    /** The channel key a module's ChannelSender returns, or null. */
    private static String channelOf(String module) throws IOException {
        try (Stream<Path> walk = Files.walk(modules.get(module).dir().resolve("src/main/java"))) {
            for (Path p : walk.filter(f -> f.toString().endsWith(".java")).toList()) {
                String code = ComposeFilesTest.stripComments(Files.readString(p));
                Matcher m = Pattern.compile("Channel\\s+channel\\(\\)\\s*\\{\\s*return\\s+Channel\\.([A-Z]+);")
                        .matcher(code);
                if (code.contains("ChannelSender") && m.find()) {
                    return m.group(1).toLowerCase(java.util.Locale.ROOT);
                }
            }
        }
        return null;
    }

    /** Topology.workQueue(channel): the work exchange's name, a dot, the channel key. */
    private static String workQueue(String channel) {
        String code = topologySource();
        assertTrue(code.contains("return WORK_EXCHANGE + \".\" + channel.key();"),
                "Topology.workQueue is <exchange>.<channel> (update this test with it)");
        Matcher exchange = Pattern.compile("WORK_EXCHANGE\\s*=\\s*\"([^\"]+)\"").matcher(code);
        assertTrue(exchange.find(), "Topology.WORK_EXCHANGE");
        return exchange.group(1) + "." + channel;
    }

    private static String topologySource() {
        try {
            return ComposeFilesTest.stripComments(Files.readString(ComposeFilesTest.root
                    .resolve("delivery-core/src/main/java/io/notiflow/core/rabbit/Topology.java")));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    private static <T> List<T> all(Class<T> type) {
        return applied.stream().map(Doc::resource).filter(type::isInstance).map(type::cast).toList();
    }

    private static List<GenericKubernetesResource> generic(String kind) {
        return all(GenericKubernetesResource.class).stream().filter(r -> r.getKind().equals(kind)).toList();
    }

    private static GenericKubernetesResource one(String kind) {
        List<GenericKubernetesResource> found = generic(kind);
        assertEquals(1, found.size(), "one " + kind);
        return found.get(0);
    }

    private static Map<?, ?> spec(GenericKubernetesResource r) {
        Object spec = r.getAdditionalProperties().get("spec");
        assertInstanceOf(Map.class, spec, r.getKind() + " " + r.getMetadata().getName() + ": a spec");
        return (Map<?, ?>) spec;
    }

    private static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return selector != null && !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
    }

    /** What the container's environment holds: its ConfigMaps (envFrom) and its env (null for a secret's value). */
    private static Map<String, String> environment(Deployment d) {
        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource from : Objects.requireNonNullElse(c.getEnvFrom(), List.<EnvFromSource>of())) {
            assertNotNull(from.getConfigMapRef(), "envFrom ConfigMaps only; secrets by secretKeyRef");
            String name = from.getConfigMapRef().getName();
            ConfigMap cm = all(ConfigMap.class).stream().filter(m -> m.getMetadata().getName().equals(name))
                    .findFirst().orElseGet(() -> fail("envFrom names ConfigMap " + name + ", not in the manifests"));
            env.putAll(cm.getData());
        }
        for (EnvVar e : Objects.requireNonNullElse(c.getEnv(), List.<EnvVar>of())) {
            env.put(e.getName(), e.getValue());
        }
        return env;
    }

    /** The container port a probe's or Service's port (a number or a port name) points at. */
    private static int containerPort(Container c, IntOrString port, String where) {
        assertNotNull(port, where + ": a port");
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return c.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName())).findFirst()
                .map(ContainerPort::getContainerPort)
                .orElseGet(() -> fail(where + ": no container port is named " + port.getStrVal()));
    }

    /** The files the container's secret volumes put in its file system. */
    private static Set<String> secretFiles(PodSpec pod, Container c) {
        Set<String> files = new TreeSet<>();
        for (VolumeMount mount : Objects.requireNonNullElse(c.getVolumeMounts(), List.<VolumeMount>of())) {
            pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName()) && v.getSecret() != null)
                    .forEach(v -> v.getSecret().getItems().forEach(i -> files.add(mount.getMountPath() + "/" + i.getPath())));
        }
        return files;
    }

    private static void checkKey(List<String> missing, String where, String secret, String key) {
        if (!templateSecrets.getOrDefault(secret, Map.of()).containsKey(key)) {
            missing.add(where + ": " + secret + "/" + key);
        }
    }

    private static Map<String, String> secretData(Secret s) {
        Map<String, String> data = new TreeMap<>(Objects.requireNonNullElse(s.getStringData(), Map.of()));
        assertTrue(s.getData() == null || s.getData().isEmpty(), s.getMetadata().getName()
                + ": stringData only, so the placeholders can be read");
        return data;
    }

    private static BigDecimal bytes(Quantity q) {
        return Quantity.getAmountInBytes(q);
    }

    private static String trim(String path) {
        return path.replaceAll("^/+|/+$", "");
    }

    private static List<String> strings(Object list) {
        return ((List<?>) list).stream().map(String::valueOf).toList();
    }
}
