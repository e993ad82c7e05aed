package io.notiflow.deploy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Checks {@code docker-compose.yml} (development) and {@code docker-compose.prod.yml} against the code, because no
 * Docker engine runs where the build does. Every check reads the repository's files; nothing is hard-coded about a
 * service except where a comment says why.
 *
 * <h2>Which services</h2>
 * A <em>service module</em> is a module of the parent pom with {@code src/main/resources/application.properties}
 * and the quarkus-maven-plugin. A compose service belongs to a module when its {@code build.context} is that
 * module's directory. Both files must run every service module.
 *
 * <h2>Which environment variables a service reads</h2>
 * A service's configuration sources are its {@code application.properties} and the
 * {@code META-INF/microprofile-config.properties} and Java sources of every sibling module its pom depends on
 * (delivery-core), plus its own Java sources. Only lines without a profile, or with {@code %prod.}, count: the
 * containers run the prod profile. A property name becomes an environment name the way SmallRye Config's
 * environment source matches it: every character that is not a letter or digit becomes {@code _}, letters upper
 * case ({@code rabbitmq.virtual-host} is {@code RABBITMQ_VIRTUAL_HOST}). The variables read are:
 * <ol>
 * <li>each {@code ${NAME}} or {@code ${NAME:default}} in a property value whose NAME is not itself a property of
 * the service's sources ({@code ${SMTP_HOST:localhost}} reads SMTP_HOST; api-service's {@code ${jwt.private-key:}}
 * reads JWT_PRIVATE_KEY; inapp-gateway's {@code ${jwt.public-key}} does not, the file defines it);</li>
 * <li>each property of a {@code @ConfigMapping(prefix = "p")} interface: {@code p.} plus the method name in kebab
 * case (or its {@code @WithName}), unless a properties file of the service assigns that property, in which case
 * the variables of its value (rule 1) are what an operator sets ({@code twilio.account-sid} is read as
 * TWILIO_ACCOUNT_SID through {@code ${TWILIO_ACCOUNT_SID:}});</li>
 * <li>each name given as a literal to {@code getValue}/{@code getOptionalValue}/{@code @ConfigProperty(name=)};
 * a literal ending in {@code .} and followed by {@code +} is a per-channel name (RetryPolicy's
 * {@code "retry.delays." + channel.key()}) and is expanded over the constants of the Channel enum.</li>
 * </ol>
 * Each of them must be set in the compose service's {@code environment} or documented in
 * {@code deploy/README.md} (named in backticks there), so a new setting cannot go unnoticed by operators.
 * Stricter: a setting whose default names {@code localhost} or {@code 127.0.0.1} (a properties value, a
 * {@code ${VAR:default}}, a {@code @WithDefault}) would point the container at itself, so it must be <em>set</em>
 * in both files (by its own name or, for {@code ${VAR:default}}, by VAR).
 */
class ComposeFilesTest {

    /** Settings whose localhost default is never used when one of the listed variables is set. */
    static final Map<String, List<String>> LOCALHOST_DEFAULT_UNUSED_WHEN_SET = Map.of(
            // FcmSettings.simulatorUrl() is only the fallback of fcm.api-url when there are no credentials.
            "FCM_SIMULATOR_URL", List.of("FCM_API_URL", "FIREBASE_CREDENTIALS"),
            // RabbitSettings: an address list (the nodes of a cluster) wins over host and port.
            "RABBITMQ_HOST", List.of("RABBITMQ_ADDRESSES"));

    /** Settings ending in _HOST that name the interface a service listens on, not a host it talks to. */
    private static final Set<String> BIND_ADDRESSES = Set.of("MANAGEMENT_HOST", "QUARKUS_HTTP_HOST");

    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{([^:}$]+)(?::([^}]*))?}");
    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?}");
    private static final Pattern LOCAL = Pattern.compile("localhost|127\\.0\\.0\\.1");

    /** Dockerfile -> the default of its JAVA_BASE_IMAGE argument (filled by everyBuildContextAndDockerfileExists). */
    private static final Map<String, String> javaBaseDefaults = new TreeMap<>();

    // Also read by K8sManifestsTest, which checks deploy/k8s against the same view of the code (load()).
    static Path root;
    static Map<String, ServiceModule> modules;
    private static Compose dev;
    private static Compose prod;
    static Set<String> documented;

    @BeforeAll
    static void load() throws IOException {
        root = findRoot();
        modules = serviceModules();
        dev = Compose.load(root.resolve("docker-compose.yml"));
        prod = Compose.load(root.resolve("docker-compose.prod.yml"));
        Path readme = root.resolve("deploy/README.md");
        assertTrue(Files.isRegularFile(readme), "deploy/README.md documents the variables");
        documented = new TreeSet<>();
        Matcher m = Pattern.compile("`([A-Z][A-Z0-9_]{2,})(?:=[^`]*)?`").matcher(Files.readString(readme));
        while (m.find()) {
            documented.add(m.group(1));
        }
    }

    // --- both files --------------------------------------------------------------------------------------------

    @Test
    void theServiceModulesAreWhatTheParentPomBuilds() {
        assertEquals(Set.of("api-service", "email-worker", "sms-worker", "push-worker", "inapp-gateway"),
                modules.keySet(), "service modules found in the parent pom (update this test when one is added)");
    }

    @Test
    void everyServiceModuleRunsInBothFiles() {
        for (Compose compose : List.of(dev, prod)) {
            Map<String, String> byModule = compose.moduleServices();
            assertEquals(modules.keySet(), byModule.keySet(), compose + ": one service per service module");
        }
    }

    @Test
    void everyBuildContextAndDockerfileExists() throws IOException {
        for (Compose compose : List.of(dev, prod)) {
            for (Map.Entry<String, Map<String, Object>> e : compose.services.entrySet()) {
                Object build = e.getValue().get("build");
                if (build == null) {
                    continue;
                }
                String where = compose + " service " + e.getKey();
                String context = build instanceof String s ? s : (String) ((Map<?, ?>) build).get("context");
                String dockerfile = build instanceof Map<?, ?> b && b.get("dockerfile") != null
                        ? (String) b.get("dockerfile") : "Dockerfile";
                Path contextDir = root.resolve(context).normalize();
                assertTrue(Files.isDirectory(contextDir), where + ": build context " + context + " does not exist");
                Path file = contextDir.resolve(dockerfile);
                assertTrue(Files.isRegularFile(file), where + ": Dockerfile " + file + " does not exist");
                checkDockerfile(where, contextDir, file);
                if (modules.containsKey(root.relativize(contextDir).toString())) {
                    Object buildArgs = ((Map<?, ?>) build).get("args");
                    String given = buildArgs instanceof Map<?, ?> a && a.get("JAVA_BASE_IMAGE") != null
                            ? String.valueOf(a.get("JAVA_BASE_IMAGE")) : null;
                    assertNotNull(given, where + ": build.args passes JAVA_BASE_IMAGE");
                    assertEquals("${JAVA_BASE_IMAGE:-" + javaBaseDefaults.get(root.relativize(file).toString()) + "}",
                            given, where + ": JAVA_BASE_IMAGE is a variable whose default is the Dockerfile's");
                }
            }
        }
        assertEquals(1, new TreeSet<>(javaBaseDefaults.values()).size(),
                "every Dockerfile has the same Java base image: " + javaBaseDefaults);
    }

    /** docker-compose 1.29 (Debian 12, Ubuntu 22.04) rejects a top-level name: ("does not match '^x-'"). */
    @Test
    void bothFilesWorkWithComposeV1() throws IOException {
        Set<String> known = Set.of("services", "volumes", "networks", "secrets", "configs");
        for (Compose compose : List.of(dev, prod)) {
            for (String key : compose.topLevel) {
                assertTrue(known.contains(key) || key.startsWith("x-"), compose + ": top-level " + key
                        + " is not understood by docker-compose 1.29; the project name is COMPOSE_PROJECT_NAME");
            }
        }
        // Each file's project name comes from its own env file: .env (read by default) is the development file's,
        // deploy/prod.env (from deploy/prod.env.example, passed with --env-file) production's.
        String devName = envFile(root.resolve(".env")).get("COMPOSE_PROJECT_NAME");
        String prodName = envFile(root.resolve("deploy/prod.env.example")).get("COMPOSE_PROJECT_NAME");
        assertNotNull(devName, ".env sets COMPOSE_PROJECT_NAME for docker-compose.yml");
        assertNotNull(prodName, "deploy/prod.env.example sets COMPOSE_PROJECT_NAME for docker-compose.prod.yml");
        assertFalse(devName.equals(prodName), "development and production are separate projects: " + devName);
        assertTrue(envFile(root.resolve(".env")).keySet().stream().noneMatch(k -> k.matches(
                ".*(PASSWORD|PASS|TOKEN|SECRET|COOKIE|API_KEYS).*")), ".env holds no production secret");
    }

    /** An override file cannot replace ports under Compose v1, so every published host port is a variable. */
    @Test
    void everyPublishedPortIsAVariable() {
        Pattern published = Pattern.compile("(?:(.+):)?\\$\\{([A-Z][A-Z0-9_]*):-(\\d+)}:(\\d+)(/\\w+)?");
        for (Compose compose : List.of(dev, prod)) {
            Map<String, String> variables = new TreeMap<>();
            compose.services.forEach((name, service) -> {
                for (String port : list(service.get("ports"))) {
                    Matcher m = published.matcher(port);
                    String where = compose + " service " + name + ": port " + port;
                    assertTrue(m.matches(), where + " is not [address:]${VARIABLE:-default}:target");
                    String previous = variables.put(m.group(2), port);
                    assertTrue(previous == null, where + " and " + previous + " share " + m.group(2));
                    if (compose == prod) {
                        assertEquals("127.0.0.1", resolveDefaults(m.group(1)), where + ": production publishes on"
                                + " 127.0.0.1 unless configured");
                    }
                }
            });
        }
    }

    /** Every image not built here is a variable whose default is the upstream image (a mirror or stand-in). */
    @Test
    void everyThirdPartyImageIsAVariableWithTheUpstreamDefault() {
        Pattern variable = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*_IMAGE):-([a-z0-9./-]+:[A-Za-z0-9._-]+)}");
        for (Compose compose : List.of(dev, prod)) {
            Map<String, String> defaults = new TreeMap<>();
            compose.services.forEach((name, service) -> {
                if (service.containsKey("build")) {
                    return;
                }
                String image = compose.rawImage(name);
                Matcher m = variable.matcher(image);
                assertTrue(m.matches(), compose + " service " + name + ": image " + image
                        + " is not ${<NAME>_IMAGE:-<upstream image>:<tag>}");
                assertFalse(m.group(2).startsWith("notiflow-ci/"), compose + " service " + name
                        + ": the default is the upstream image, not a CI stand-in");
                String previous = defaults.put(m.group(1), m.group(2));
                assertTrue(previous == null || previous.equals(m.group(2)), compose + ": " + m.group(1)
                        + " defaults to both " + previous + " and " + m.group(2));
            });
        }
    }

    /** A container's start runs nothing that needs a package mirror. */
    @Test
    void noContainerDownloadsPackagesAtStart() {
        Pattern installs = Pattern.compile("\\b(apk add|apt-get|apt install|yum|dnf|microdnf|pip install|npm i)");
        for (Compose compose : List.of(dev, prod)) {
            compose.services.forEach((name, service) -> {
                String run = service.get("entrypoint") + " " + service.get("command");
                assertFalse(installs.matcher(run).find(), compose + " service " + name + " installs packages at start: "
                        + run);
            });
        }
    }

    private static void checkDockerfile(String where, Path context, Path dockerfile) throws IOException {
        List<String> lines = Files.readAllLines(dockerfile).stream().map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        List<String> args = lines.stream().takeWhile(l -> l.startsWith("ARG ")).toList();
        String from = lines.get(args.size());
        assertTrue(from.startsWith("FROM "), where + ": " + dockerfile + " starts with FROM (after ARGs)");
        String module = context.getFileName().toString();
        if (modules.containsKey(module)) {
            // The base image is a build argument with the upstream image as its default.
            assertEquals("FROM ${JAVA_BASE_IMAGE}", from, where + ": " + dockerfile + " takes its base image from"
                    + " the JAVA_BASE_IMAGE build argument");
            String arg = args.stream().filter(a -> a.startsWith("ARG JAVA_BASE_IMAGE=")).findFirst()
                    .orElseGet(() -> fail(where + ": " + dockerfile + " declares ARG JAVA_BASE_IMAGE=<upstream image>"));
            javaBaseDefaults.put(root.relativize(dockerfile).toString(), arg.substring(arg.indexOf('=') + 1));
        }
        List<String> copies = lines.stream().filter(l -> l.startsWith("COPY ") || l.startsWith("ADD ")).toList();
        assertFalse(copies.isEmpty(), where + ": " + dockerfile + " copies the application");
        for (String copy : copies) {
            List<String> words = new ArrayList<>(List.of(copy.split("\\s+")));
            words.remove(0);
            words.removeIf(w -> w.startsWith("--") && !w.startsWith("--from"));
            if (words.get(0).startsWith("--from")) {
                continue;
            }
            for (String source : words.subList(0, words.size() - 1)) {
                assertTrue(source.startsWith("target/quarkus-app/"), where + ": " + dockerfile + " copies " + source
                        + ", not the Quarkus application the module's package phase makes (target/quarkus-app/)");
            }
        }
        Path ignore = context.resolve(".dockerignore");
        if (Files.exists(ignore)) {
            String text = Files.readString(ignore);
            assertTrue(!text.lines().map(String::trim).toList().contains("*") || text.contains("!target/quarkus-app"),
                    where + ": " + ignore + " leaves target/quarkus-app out of the build context");
        }
        String user = lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElse("USER root");
        assertFalse(Set.of("root", "0", "0:0").contains(user.substring(5).trim()), where + ": " + dockerfile
                + " must not run as root");
        if (modules.containsKey(module)) {
            int port = modules.get(module).port;
            assertTrue(lines.contains("EXPOSE " + port), where + ": " + dockerfile + " exposes " + port
                    + " (quarkus.http.port)");
            int management = modules.get(module).managementPort;
            assertTrue(lines.contains("EXPOSE " + management), where + ": " + dockerfile + " exposes " + management
                    + " (quarkus.management.port)");
        }
    }

    @Test
    void portsMatchQuarkusHttpPort() throws IOException {
        for (Compose compose : List.of(dev, prod)) {
            compose.moduleServices().forEach((module, serviceName) -> {
                int port = modules.get(module).port;
                int management = modules.get(module).managementPort;
                Map<String, Object> service = compose.services.get(serviceName);
                String where = compose + " service " + serviceName;
                Set<Integer> containerPorts = containerPorts(service);
                assertTrue(containerPorts.contains(port), where + ": container port " + port
                        + " (quarkus.http.port of " + module + ") is not in ports/expose " + containerPorts);
                assertTrue(containerPorts.contains(management), where + ": container port " + management
                        + " (quarkus.management.port of " + module + ") is not in ports/expose " + containerPorts);
                for (String published : list(service.get("ports"))) {
                    String[] parts = resolveDefaults(published).split(":");
                    if (parts.length >= 2) {
                        String target = parts[parts.length - 1].replaceAll("/.*", "");
                        assertTrue(Set.of(String.valueOf(port), String.valueOf(management)).contains(target),
                                where + ": publishes container port " + target + "; only " + port + " and "
                                        + management + " are the service's own");
                        assertEquals(target, parts[parts.length - 2], where + ": published as " + published
                                + "; the fixed ports are the services' own");
                        if (target.equals(String.valueOf(management))) {
                            assertTrue(parts.length == 3 && parts[0].equals("127.0.0.1"), where + ": the management"
                                    + " interface (/q/*) is published beyond 127.0.0.1: " + published);
                        }
                    }
                }
                Map<String, String> env = compose.environment(serviceName);
                String overridden = env.get("QUARKUS_HTTP_PORT");
                assertTrue(overridden == null || overridden.equals(String.valueOf(port)),
                        where + ": QUARKUS_HTTP_PORT=" + overridden + " moves the service off " + port);
                String managementOverridden = env.get("QUARKUS_MANAGEMENT_PORT");
                assertTrue(managementOverridden == null || managementOverridden.equals(String.valueOf(management)),
                        where + ": QUARKUS_MANAGEMENT_PORT=" + managementOverridden + " moves it off " + management);
                // Its default, 127.0.0.1, would hide the management interface from the proxies and the host port.
                assertEquals("0.0.0.0", env.get("MANAGEMENT_HOST"), where + ": MANAGEMENT_HOST");
                String health = String.valueOf(healthTest(service));
                assertTrue(health.contains("/" + management) && health.contains("/q/health/ready"), where
                        + ": the health check asks /q/health/ready on the management port " + management + ": "
                        + health);
            });
            // A proxy in front of the services must send each one to its own port, check it on its management
            // port, and never route to the management port.
            for (Path cfg : compose.mountedFiles()) {
                String text = Files.readString(cfg);
                for (ServiceModule module : modules.values()) {
                    Matcher m = Pattern.compile("\\b" + Pattern.quote(module.name) + ":(\\d+)(.*)").matcher(text);
                    while (m.find()) {
                        String where = compose + ": " + root.relativize(cfg) + " sends to " + m.group(0).trim();
                        assertEquals(String.valueOf(module.port), m.group(1), where);
                        Matcher check = Pattern.compile("\\bcheck\\b(.*)").matcher(m.group(2));
                        if (check.find()) {
                            assertTrue(check.group(1).contains("port " + module.managementPort), where
                                    + ": /q/health/ready is on the management port " + module.managementPort);
                        }
                    }
                }
            }
        }
    }

    @Test
    void everyVariableTheServicesReadIsSetOrDocumented() {
        List<String> missing = new ArrayList<>();
        for (Compose compose : List.of(dev, prod)) {
            compose.moduleServices().forEach((module, serviceName) -> {
                Map<String, String> env = compose.environment(serviceName);
                modules.get(module).reads.forEach((variable, origin) -> {
                    if (!env.containsKey(variable) && !documented.contains(variable)) {
                        missing.add(compose + " " + serviceName + ": " + variable + " (" + origin + ")");
                    }
                });
            });
        }
        assertTrue(missing.isEmpty(), "variables the services read, neither set in the compose file nor documented"
                + " in deploy/README.md:\n  " + String.join("\n  ", missing));
    }

    @Test
    void settingsWithALocalhostDefaultAreSet() {
        List<String> missing = new ArrayList<>();
        for (Compose compose : List.of(dev, prod)) {
            compose.moduleServices().forEach((module, serviceName) -> {
                Map<String, String> env = compose.environment(serviceName);
                modules.get(module).localhostDefaults.forEach((alternatives, origin) -> {
                    boolean exempt = alternatives.stream().anyMatch(v -> LOCALHOST_DEFAULT_UNUSED_WHEN_SET
                            .getOrDefault(v, List.of()).stream().anyMatch(env::containsKey));
                    if (!exempt && alternatives.stream().noneMatch(env::containsKey)) {
                        missing.add(compose + " " + serviceName + ": one of " + alternatives + " (" + origin + ")");
                    }
                });
            });
        }
        assertTrue(missing.isEmpty(), "settings whose default points at the container itself:\n  "
                + String.join("\n  ", missing));
    }

    @Test
    void hostsNamedInTheEnvironmentAreServicesOfTheFile() {
        Pattern url = Pattern.compile("^(?:jdbc:)?[a-z]+://([^/:?]+)(?::(\\d+))?");
        for (Compose compose : List.of(dev, prod)) {
            for (String serviceName : compose.services.keySet()) {
                compose.environment(serviceName).forEach((name, value) -> {
                    if (value == null || value.contains("${")) {
                        return; // from the operator's environment
                    }
                    if (name.endsWith("_ADDRESSES")) {
                        for (String address : value.split(",")) {
                            String[] hostPort = address.trim().split(":");
                            String where = compose + " service " + serviceName + ": " + name + " lists " + address;
                            assertTrue(compose.services.containsKey(hostPort[0]), where + ", which names no service"
                                    + " of the file");
                            Set<Integer> target = containerPorts(compose.services.get(hostPort[0]));
                            assertTrue(hostPort.length < 2 || target.isEmpty()
                                    || target.contains(Integer.parseInt(hostPort[1])), where + ": " + hostPort[0]
                                    + " listens on " + target);
                        }
                        return;
                    }
                    String host = null;
                    String port = null;
                    Matcher m = url.matcher(value);
                    if (m.find()) {
                        host = m.group(1);
                        port = m.group(2);
                    } else if (name.endsWith("_HOST") && !BIND_ADDRESSES.contains(name)
                            && value.matches("[A-Za-z0-9][A-Za-z0-9.-]*")) {
                        host = value;
                    }
                    if (host == null) {
                        return;
                    }
                    String where = compose + " service " + serviceName + ": " + name + "=" + value;
                    assertTrue(compose.services.containsKey(host), where + " names no service of the file");
                    Set<Integer> target = containerPorts(compose.services.get(host));
                    if (port != null && !target.isEmpty()) {
                        assertTrue(target.contains(Integer.parseInt(port)), where + ": " + host + " listens on "
                                + target);
                    }
                });
            }
        }
    }

    @Test
    void dependenciesExistAndStartOnHealth() {
        for (Compose compose : List.of(dev, prod)) {
            compose.services.forEach((name, service) -> compose.dependsOn(name).forEach((dependency, condition) -> {
                String where = compose + " service " + name + " depends on " + dependency;
                assertTrue(compose.services.containsKey(dependency), where + ", which does not exist");
                switch (condition) {
                    case "service_healthy" -> assertNotNull(healthTest(compose.services.get(dependency)),
                            where + " being healthy, but it has no health check");
                    case "service_completed_successfully" -> assertTrue(compose.isOneShot(dependency),
                            where + " completing, but it is not a one-shot container (restart: \"no\")");
                    default -> fail(where + " with condition " + condition
                            + ": start on health (service_healthy or service_completed_successfully)");
                }
            }));
            // A service starts after the hosts it talks to are healthy (directly or through what it waits for).
            compose.moduleServices().forEach((module, serviceName) -> {
                Set<String> healthyBefore = compose.healthyClosure(serviceName);
                for (String host : compose.hostsNamedBy(serviceName)) {
                    assertTrue(healthyBefore.contains(host), compose + " service " + serviceName + " talks to "
                            + host + " but does not wait for it to be healthy");
                }
                // The workers validate the schema that the migrating service (api-service) applies.
                for (ServiceModule migrating : modules.values()) {
                    if (migrating.migrates && !migrating.name.equals(module) && modules.get(module).validatesSchema) {
                        String migrator = compose.moduleServices().get(migrating.name);
                        assertEquals("service_healthy", compose.dependsOn(serviceName).get(migrator),
                                compose + " service " + serviceName + " validates the schema at start; it must wait"
                                        + " for " + migrator + " (which migrates it) to be healthy");
                    }
                }
            });
        }
    }

    @Test
    void everyContainerHasAHealthCheck() {
        for (Compose compose : List.of(dev, prod)) {
            compose.services.forEach((name, service) -> {
                if (!compose.isOneShot(name)) {
                    Object test = healthTest(service);
                    assertNotNull(test, compose + " service " + name + " has no health check");
                    assertFalse(String.valueOf(test).contains("NONE"), compose + " service " + name
                            + " disables its health check");
                }
            });
        }
    }

    @Test
    void postgresKeepsItsDataInANamedVolume() {
        for (Compose compose : List.of(dev, prod)) {
            List<String> postgres = compose.servicesWithImage("postgres:");
            assertEquals(1, postgres.size(), compose + ": one PostgreSQL");
            Map<String, Object> service = compose.services.get(postgres.get(0));
            String volume = list(service.get("volumes")).stream()
                    .filter(v -> v.endsWith(":/var/lib/postgresql/data")).findFirst()
                    .orElseGet(() -> fail(compose + ": PostgreSQL's data directory is not on a volume"));
            String source = volume.substring(0, volume.indexOf(':'));
            assertTrue(compose.volumes.containsKey(source), compose + ": PostgreSQL's volume " + source
                    + " is a named volume declared under volumes:");
            assertEquals(databaseName(), compose.environment(postgres.get(0)).get("POSTGRES_DB"),
                    compose + ": POSTGRES_DB is the database of the services' JDBC URL");
        }
    }

    // --- development -------------------------------------------------------------------------------------------

    @Test
    void developmentHasTheConsoleTheMailSinkAndTheProviderSimulator() throws IOException {
        List<String> rabbit = dev.servicesWithImage("rabbitmq:");
        assertEquals(1, rabbit.size(), "dev: one RabbitMQ");
        assertTrue(dev.image(rabbit.get(0)).contains("management"), "dev: RabbitMQ with the management console");
        assertTrue(containerPorts(dev.services.get(rabbit.get(0))).containsAll(Set.of(5672, 15672)),
                "dev: AMQP and the console are published");
        assertEquals(1, dev.servicesWithImage("axllent/mailpit").size(), "dev: the Mailpit mail sink");

        List<String> sims = dev.servicesWithImage("wiremock/wiremock:");
        assertEquals(1, sims.size(), "dev: one provider simulator");
        String sim = sims.get(0);
        String pom = Files.readString(root.resolve("pom.xml"));
        Matcher version = Pattern.compile("<wiremock\\.version>([^<]+)</wiremock\\.version>").matcher(pom);
        assertTrue(version.find());
        assertEquals("wiremock/wiremock:" + version.group(1), dev.image(sim),
                "dev: the simulator runs the WireMock the tests use (parent pom's wiremock.version)");
        // bin/provider-sim serves sim/<provider>/mappings as mappings/<provider> of one WireMock root.
        List<String> mounts = list(dev.services.get(sim).get("volumes"));
        try (Stream<Path> providers = Files.list(root.resolve("sim"))) {
            for (Path provider : providers.filter(p -> Files.isDirectory(p.resolve("mappings"))).toList()) {
                String name = provider.getFileName().toString();
                String expected = "./sim/" + name + "/mappings:/home/wiremock/mappings/" + name;
                assertTrue(mounts.stream().anyMatch(m -> m.equals(expected) || m.startsWith(expected + ":")),
                        "dev: the simulator mounts " + expected + " (like bin/provider-sim)");
            }
        }
    }

    // --- production --------------------------------------------------------------------------------------------

    @Test
    void productionRunsAThreeNodeRabbitMqCluster() throws IOException {
        List<String> nodes = prod.servicesWithImage("rabbitmq:");
        assertEquals(3, nodes.size(), "prod: three RabbitMQ nodes");
        Set<String> expectedNodes = new TreeSet<>();
        Set<String> cookies = new LinkedHashSet<>();
        Path config = null;
        for (String node : nodes) {
            Map<String, Object> service = prod.services.get(node);
            String hostname = (String) service.get("hostname");
            assertNotNull(hostname, "prod " + node + ": a fixed hostname names the node (rabbit@<hostname>)");
            expectedNodes.add("rabbit@" + hostname);
            // The cookie is a secret file that node.sh installs for the node's user; the image's
            // RABBITMQ_ERLANG_COOKIE variable is deprecated.
            assertFalse(prod.environment(node).containsKey("RABBITMQ_ERLANG_COOKIE"), "prod " + node
                    + ": RABBITMQ_ERLANG_COOKIE is deprecated; the cookie is a secret file");
            cookies.add(list(service.get("secrets")).toString());
            assertEquals("[/bin/sh, /usr/local/bin/notiflow-node.sh]", String.valueOf(service.get("entrypoint")),
                    "prod " + node + ": node.sh installs the cookie, then runs the image's entrypoint");
            assertTrue(list(service.get("volumes")).contains(
                    "./deploy/rabbitmq/node.sh:/usr/local/bin/notiflow-node.sh:ro"), "prod " + node + ": mounts node.sh");
            String conf = list(service.get("volumes")).stream().filter(v -> v.contains(":/etc/rabbitmq/"))
                    .filter(v -> v.contains(".conf")).findFirst()
                    .orElseGet(() -> fail("prod " + node + ": mounts the cluster's rabbitmq.conf"));
            Path file = root.resolve(conf.substring(0, conf.indexOf(':'))).normalize();
            assertTrue(file.startsWith(root.resolve("deploy/rabbitmq")) && Files.isRegularFile(file),
                    "prod " + node + ": " + file + " is a file under deploy/rabbitmq/");
            config = file;
        }
        assertEquals(1, cookies.size(), "prod: the nodes share one Erlang cookie secret: " + cookies);
        String secret = cookies.iterator().next();
        Matcher target = Pattern.compile("^\\[([\\w-]+):([\\w.-]+)]$").matcher(secret);
        assertTrue(target.matches(), "prod: the nodes get exactly the cookie secret: " + secret);
        String nodeScript = Files.readString(root.resolve("deploy/rabbitmq/node.sh"));
        assertTrue(nodeScript.contains("install -o rabbitmq -g rabbitmq -m 400 /run/secrets/" + target.group(2)
                + " /var/lib/rabbitmq/.erlang.cookie"), "node.sh installs /run/secrets/" + target.group(2)
                + " as the node user's cookie, readable by it alone");
        assertTrue(nodeScript.contains("exec docker-entrypoint.sh rabbitmq-server"), "node.sh runs the image's entrypoint");
        assertFalse(prod.text.contains("RABBITMQ_ERLANG_COOKIE:"), "prod: no container is given RABBITMQ_ERLANG_COOKIE");
        Properties conf = new Properties();
        try (Reader reader = Files.newBufferedReader(config)) {
            conf.load(reader);
        }
        assertEquals("classic_config", conf.getProperty("cluster_formation.peer_discovery_backend"),
                "prod: peer discovery from the list of nodes");
        Set<String> listed = conf.stringPropertyNames().stream()
                .filter(k -> k.startsWith("cluster_formation.classic_config.nodes."))
                .map(conf::getProperty).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(expectedNodes, listed, "prod: " + config + " lists exactly the three nodes");

        // The services connect to the nodes themselves (RABBITMQ_ADDRESSES, which wins over RABBITMQ_HOST): every
        // node listed, so losing one node loses nothing but the connections it held, and no proxy in between.
        Set<String> nodeAddresses = nodes.stream().map(n -> prod.services.get(n).get("hostname") + ":5672")
                .collect(Collectors.toCollection(TreeSet::new));
        for (String serviceName : prod.moduleServices().values()) {
            String addresses = prod.environment(serviceName).get("RABBITMQ_ADDRESSES");
            assertNotNull(addresses, "prod " + serviceName + ": RABBITMQ_ADDRESSES lists the cluster's nodes");
            Set<String> given = Stream.of(addresses.split(",")).map(String::trim)
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(nodeAddresses, given, "prod " + serviceName + ": RABBITMQ_ADDRESSES");
            assertFalse(prod.environment(serviceName).containsKey("RABBITMQ_HOST"), "prod " + serviceName
                    + ": RABBITMQ_HOST is unused next to RABBITMQ_ADDRESSES; leave it out");
        }
    }

    @Test
    void productionScalesOutAndRestarts() {
        prod.moduleServices().forEach((module, serviceName) -> {
            Map<String, Object> service = prod.services.get(serviceName);
            Map<?, ?> deploy = (Map<?, ?>) service.get("deploy");
            assertNotNull(deploy, "prod " + serviceName + ": deploy");
            Object replicas = deploy.get("replicas");
            assertTrue(replicas instanceof Integer n && n >= 2, "prod " + serviceName + ": replicas >= 2, not "
                    + replicas);
            assertFalse(service.containsKey("container_name"), "prod " + serviceName
                    + ": a container_name allows one replica only");
            for (String published : list(service.get("ports"))) {
                assertEquals(1, resolveDefaults(published).split(":").length, "prod " + serviceName
                        + ": replicas cannot share the host port of " + published + "; put a proxy in front");
            }
        });
        prod.services.forEach((name, service) -> {
            String restart = String.valueOf(service.get("restart"));
            Map<?, ?> deploy = (Map<?, ?>) service.getOrDefault("deploy", Map.of());
            assertTrue(Set.of("always", "unless-stopped", "on-failure").contains(restart.split(":")[0])
                    || deploy.containsKey("restart_policy"), "prod " + name + ": a restart policy");
            Map<?, ?> resources = (Map<?, ?>) deploy.get("resources");
            Map<?, ?> limits = resources == null ? null : (Map<?, ?>) resources.get("limits");
            assertTrue(limits != null && limits.get("cpus") != null && limits.get("memory") != null,
                    "prod " + name + ": resource limits (deploy.resources.limits cpus and memory)");
        });
    }

    @Test
    void productionHasNoSimulatorAndNoSecretInTheFile() throws IOException {
        for (String name : prod.services.keySet()) {
            String image = prod.image(name);
            assertFalse(image.matches("(?i).*(wiremock|mailpit|maildev|mailhog|greenmail).*"),
                    "prod " + name + ": no simulator or mail sink in production (" + image + ")");
            for (String volume : list(prod.services.get(name).get("volumes"))) {
                assertFalse(volume.startsWith("./sim"), "prod " + name + ": mounts the simulator's stubs");
            }
            prod.environment(name).forEach((variable, value) -> {
                if (variable.matches(".*(PASSWORD|PASS|TOKEN|SECRET|COOKIE|API_KEYS|ACCOUNT_SID).*")) {
                    Matcher m = INTERPOLATION.matcher(value == null ? "" : value);
                    boolean fromEnvironment = m.matches() && (m.group(3) == null || m.group(3).isEmpty()
                            || m.group(2).contains("?"));
                    assertTrue(fromEnvironment, "prod " + name + ": " + variable
                            + " must come from the environment (${VAR:?...} or ${VAR:-}), not the file");
                }
            });
        }
        // Every variable the file interpolates is in deploy/prod.env.example, so an operator knows what to fill in.
        Set<String> placeholders = envFile(root.resolve("deploy/prod.env.example")).keySet();
        Set<String> interpolated = new TreeSet<>();
        Matcher m = INTERPOLATION.matcher(prod.text.replace("$$", ""));
        while (m.find()) {
            interpolated.add(m.group(1));
        }
        interpolated.removeAll(placeholders);
        assertTrue(interpolated.isEmpty(), "prod: variables missing from deploy/prod.env.example: " + interpolated);
    }

    @Test
    void managementPortsAreTheFixedOnes() {
        // DESIGN.md: 9080-9084, in the order of the HTTP ports 8080-8084.
        modules.values().forEach(m -> assertEquals(m.port + 1000, m.managementPort,
                m.name + ": quarkus.management.port beside quarkus.http.port " + m.port));
    }

    @Test
    void productionServicesLogInWithLeastPrivilege() throws IOException {
        String postgres = prod.servicesWithImage("postgres:").get(0);
        String superuser = variableOf(prod.environment(postgres).get("POSTGRES_USER"));
        String superPassword = variableOf(prod.environment(postgres).get("POSTGRES_PASSWORD"));
        Set<String> admins = new TreeSet<>();
        prod.servicesWithImage("rabbitmq:").forEach(node -> admins.add(variableOf(prod.environment(node).get("RABBITMQ_DEFAULT_USER"))));

        // The one-shot containers that make the roles and the broker user, and what they are given.
        String roles = oneShotMounting("deploy/postgres/roles.sql");
        Map<String, String> rolesEnv = prod.environment(roles);
        String roleScript = Files.readString(root.resolve("deploy/postgres/roles.sql"));
        String rolesCommand = String.valueOf(prod.services.get(roles).get("command"));
        for (String var : List.of("migration_user", "migration_password", "app_user", "app_password")) {
            assertTrue(rolesCommand.contains("-v " + var + "="), "prod " + roles + ": passes " + var + " to roles.sql");
        }
        String appUser = variableOf(rolesEnv.get("POSTGRES_APP_USER"));
        String appPassword = variableOf(rolesEnv.get("POSTGRES_APP_PASSWORD"));
        String migrationUser = variableOf(rolesEnv.get("POSTGRES_MIGRATION_USER"));
        String migrationPassword = variableOf(rolesEnv.get("POSTGRES_MIGRATION_PASSWORD"));
        assertTrue(roleScript.contains("ALTER DATABASE %I OWNER TO %I', :'database', :'migration_user'"),
                "roles.sql: the migration role owns the database (and so its schema)");
        Matcher grants = Pattern.compile("GRANT ([A-Z, ]+) ON (?:ALL )?TABLES (?:IN SCHEMA public )?TO %I").matcher(roleScript);
        int tableGrants = 0;
        while (grants.find()) {
            tableGrants++;
            assertEquals("SELECT, INSERT, UPDATE, DELETE", grants.group(1).trim(),
                    "roles.sql: the runtime role gets rows only, not " + grants.group(1));
        }
        assertEquals(2, tableGrants, "roles.sql: row rights on today's tables and, by default, on later ones");
        assertEquals(2, roleScript.split("LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE", -1).length - 1,
                "roles.sql: both roles log in and may not make roles, databases or superusers");

        String user = oneShotMounting("deploy/rabbitmq/app-user.sh");
        Map<String, String> userEnv = prod.environment(user);
        String userScript = Files.readString(root.resolve("deploy/rabbitmq/app-user.sh"));
        assertTrue(userScript.contains("set_permissions -p \"$RABBITMQ_VIRTUAL_HOST\" \"$RABBITMQ_USERNAME\""),
                "app-user.sh: the user's rights are in its vhost");
        assertTrue(userScript.contains("set_user_tags \"$RABBITMQ_USERNAME\"\n"),
                "app-user.sh: the user has no tags (no console, no HTTP API)");

        prod.moduleServices().forEach((module, serviceName) -> {
            Map<String, String> env = prod.environment(serviceName);
            String where = "prod " + serviceName;
            String dbUser = variableOf(env.get("QUARKUS_DATASOURCE_USERNAME"));
            assertEquals(appUser, dbUser, where + ": the datasource logs in as the runtime role of " + roles);
            assertEquals(appPassword, variableOf(env.get("QUARKUS_DATASOURCE_PASSWORD")), where);
            assertFalse(Set.of(superuser, superPassword).contains(dbUser), where + ": not as the superuser");
            if (modules.get(module).migrates) {
                assertEquals(migrationUser, variableOf(env.get("QUARKUS_FLYWAY_USERNAME")),
                        where + ": Flyway migrates as the migration role");
                assertEquals(migrationPassword, variableOf(env.get("QUARKUS_FLYWAY_PASSWORD")), where);
            } else {
                assertFalse(env.containsKey("QUARKUS_FLYWAY_USERNAME"), where + ": only the migrating service"
                        + " holds the migration role");
            }
            String rabbitUser = variableOf(env.get("RABBITMQ_USERNAME"));
            assertFalse(admins.contains(rabbitUser), where + ": not as the broker's administrator");
            assertEquals(variableOf(userEnv.get("RABBITMQ_USERNAME")), rabbitUser, where + ": the user of " + user);
            assertEquals(variableOf(userEnv.get("RABBITMQ_PASSWORD")), variableOf(env.get("RABBITMQ_PASSWORD")), where);
            assertEquals(userEnv.get("RABBITMQ_VIRTUAL_HOST"), env.get("RABBITMQ_VIRTUAL_HOST"),
                    where + ": the vhost the user is limited to");
            assertFalse(resolveDefaults(env.get("RABBITMQ_VIRTUAL_HOST")).equals("/"),
                    where + ": a vhost of its own, not the broker's default /");
            assertFalse(env.containsKey("ALLOW_DEV_SECRETS"), where + ": production refuses development secrets");
            Set<String> before = prod.startedAfter(serviceName);
            assertTrue(before.contains(roles) && before.contains(user), where + " starts after " + roles + " and "
                    + user + " completed: " + before);
        });
        dev.moduleServices().forEach((module, serviceName) -> assertEquals("true",
                dev.environment(serviceName).get("ALLOW_DEV_SECRETS"), "dev " + serviceName
                        + ": postgres/postgres and guest/guest are development secrets; ALLOW_DEV_SECRETS"));
    }

    /**
     * The key files reach the services (uid 185) whatever their owner and mode on the host: a one-shot container
     * the service waits for copies each Compose secret, as root, into a named volume the service mounts read-only.
     */
    @Test
    void productionKeyFilesWorkWhateverUidMadeThem() {
        int checked = 0;
        for (Map.Entry<String, String> e : prod.moduleServices().entrySet()) {
            String serviceName = e.getValue();
            Map<String, Object> service = prod.services.get(serviceName);
            String where = "prod " + serviceName;
            assertTrue(list(service.get("secrets")).isEmpty(), where + ": reads no Compose secret itself (a bind mount"
                    + " keeps the host's owner and mode)");
            for (Map.Entry<String, String> env : prod.environment(serviceName).entrySet()) {
                String path = env.getValue();
                if (path == null || !path.startsWith("/run/")) {
                    continue;
                }
                checked++;
                String dir = path.substring(0, path.lastIndexOf('/'));
                String mount = list(service.get("volumes")).stream().filter(v -> v.endsWith(":" + dir + ":ro"))
                        .findFirst().orElseGet(() -> fail(where + ": " + env.getKey() + "=" + path
                                + " lies in no read-only volume mount at " + dir));
                String volume = mount.substring(0, mount.indexOf(':'));
                assertTrue(prod.volumes.containsKey(volume), where + ": " + volume + " is a named volume");
                String file = path.substring(dir.length() + 1);
                String filler = prod.dependsOn(serviceName).entrySet().stream()
                        .filter(d -> "service_completed_successfully".equals(d.getValue()))
                        .map(Map.Entry::getKey)
                        .filter(d -> list(prod.services.get(d).get("volumes")).stream().anyMatch(v -> v.startsWith(volume + ":")))
                        .findFirst().orElseGet(() -> fail(where + ": no one-shot container it waits for fills " + volume));
                Map<String, Object> one = prod.services.get(filler);
                assertEquals("0", String.valueOf(one.get("user")), "prod " + filler + " runs as root to read any host file");
                String into = list(one.get("volumes")).stream().filter(v -> v.startsWith(volume + ":")).findFirst()
                        .orElseThrow().split(":")[1];
                assertFalse(secretOf(one, file).isEmpty(), "prod " + filler + " gets " + file + " as a secret");
                assertTrue(String.valueOf(one.get("command")).contains("install -o 185 -g 185 -m 4"),
                        "prod " + filler + " installs the files for uid 185");
                assertTrue(String.valueOf(one.get("command")).contains("/run/secrets/" + file + " " + into + "/"),
                        "prod " + filler + " installs " + file + " into " + into);
            }
        }
        assertEquals(3, checked, "prod: the JWT private key, the JWT public key and the FCM service account");
    }

    private static String secretOf(Map<String, Object> service, String target) {
        for (Object entry : (List<?>) service.getOrDefault("secrets", List.of())) {
            if (entry instanceof Map<?, ?> m && target.equals(m.get("target"))) {
                return String.valueOf(m.get("source"));
            }
        }
        return "";
    }

    /** RabbitMQ's memory alarm stops publishers before the container's memory limit kills a node. */
    @Test
    void productionRabbitMqAlarmsFitItsLimits() throws IOException {
        Properties conf = new Properties();
        try (Reader reader = Files.newBufferedReader(root.resolve("deploy/rabbitmq/rabbitmq.conf"))) {
            conf.load(reader);
        }
        long watermark = bytes(conf.getProperty("vm_memory_high_watermark.absolute", "0"));
        assertTrue(watermark > 0, "rabbitmq.conf: vm_memory_high_watermark.absolute (RabbitMQ may not see the limit)");
        for (String node : prod.servicesWithImage("rabbitmq:")) {
            Map<?, ?> limits = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) prod.services.get(node).get("deploy"))
                    .get("resources")).get("limits");
            long limit = bytes(String.valueOf(limits.get("memory")));
            assertTrue(watermark <= limit * 3 / 4, "prod " + node + ": the memory alarm (" + watermark
                    + " bytes) is at most 3/4 of the limit (" + limit + "), leaving room for what it does not count");
        }
        assertTrue(bytes(conf.getProperty("disk_free_limit.absolute", "0")) > 0, "rabbitmq.conf: disk_free_limit.absolute");
    }

    /** "512M", "1G", "512MiB", "2GB" in bytes (Compose and RabbitMQ units; binary either way here). */
    static long bytes(String size) {
        Matcher m = Pattern.compile("(\\d+)\\s*([KMG])?(?:i?B)?", Pattern.CASE_INSENSITIVE).matcher(size.trim());
        assertTrue(m.matches(), "a size: " + size);
        int shift = m.group(2) == null ? 0 : switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> 10;
            case "M" -> 20;
            default -> 30;
        };
        return Long.parseLong(m.group(1)) << shift;
    }

    /** The KEY=value lines of an env file. */
    static Map<String, String> envFile(Path file) throws IOException {
        Map<String, String> values = new TreeMap<>();
        for (String line : Files.readAllLines(file)) {
            String l = line.trim();
            if (!l.startsWith("#") && l.contains("=")) {
                values.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1));
            }
        }
        return values;
    }

    /** The one-shot container of prod that mounts {@code file}. */
    private static String oneShotMounting(String file) {
        Path wanted = root.resolve(file).normalize();
        return prod.services.keySet().stream().filter(prod::isOneShot)
                .filter(n -> prod.mountedFiles(n).contains(wanted)).findFirst()
                .orElseGet(() -> fail("prod: a one-shot container runs " + file));
    }

    /** The variable a compose value interpolates ({@code ${NAME:-x}} -> NAME), or the literal itself. */
    private static String variableOf(String value) {
        assertNotNull(value, "a value");
        Matcher m = INTERPOLATION.matcher(value);
        return m.matches() ? m.group(1) : value;
    }

    // --- the code's side ---------------------------------------------------------------------------------------

    /** A service module, what its configuration reads, and its properties as the prod profile sees them. */
    record ServiceModule(String name, Path dir, int port, int managementPort, boolean migrates,
                         boolean validatesSchema, String jdbcUrl, Map<String, String> reads,
                         Map<Set<String>, String> localhostDefaults, Map<String, String> properties) {
    }

    private static Map<String, ServiceModule> serviceModules() throws IOException {
        String parent = Files.readString(root.resolve("pom.xml"));
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(parent);
        Map<String, ServiceModule> found = new TreeMap<>();
        while (m.find()) {
            Path dir = root.resolve(m.group(1));
            Path props = dir.resolve("src/main/resources/application.properties");
            if (Files.isRegularFile(props) && Files.readString(dir.resolve("pom.xml")).contains("quarkus-maven-plugin")) {
                found.put(m.group(1), serviceModule(m.group(1), dir));
            }
        }
        return found;
    }

    /** The artifacts of a pom's dependency entries that say {@code <scope>test</scope>}. */
    private static Set<String> testScopedArtifacts(String pom) {
        Set<String> found = new HashSet<>();
        Matcher block = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL).matcher(pom);
        while (block.find()) {
            Matcher artifact = Pattern.compile("<artifactId>([^<]+)</artifactId>").matcher(block.group(1));
            if (block.group(1).contains("<scope>test</scope>") && artifact.find()) {
                found.add(artifact.group(1));
            }
        }
        return found;
    }

    private static ServiceModule serviceModule(String name, Path dir) throws IOException {
        // Configuration sources, highest priority first, and the Java sources whose mappings are read.
        List<Path> propertyFiles = new ArrayList<>(List.of(dir.resolve("src/main/resources/application.properties")));
        List<Path> javaRoots = new ArrayList<>(List.of(dir.resolve("src/main/java")));
        String pom = Files.readString(dir.resolve("pom.xml"));
        Set<String> testScoped = testScopedArtifacts(Files.readString(root.resolve("pom.xml")));
        testScoped.addAll(testScopedArtifacts(pom));
        Matcher dep = Pattern.compile("<artifactId>([^<]+)</artifactId>").matcher(pom);
        while (dep.find()) {
            if (testScoped.contains(dep.group(1))) {
                continue; // test helpers are not on the service's class path
            }
            Path sibling = root.resolve(dep.group(1));
            if (!sibling.equals(dir) && Files.isRegularFile(sibling.resolve("pom.xml"))) {
                Path mp = sibling.resolve("src/main/resources/META-INF/microprofile-config.properties");
                if (Files.isRegularFile(mp)) {
                    propertyFiles.add(mp);
                }
                if (Files.isDirectory(sibling.resolve("src/main/java"))) {
                    javaRoots.add(sibling.resolve("src/main/java"));
                }
            }
        }
        Map<String, String> properties = new LinkedHashMap<>();
        Map<String, String> origin = new LinkedHashMap<>();
        for (Path file : propertyFiles) {
            Properties p = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                p.load(reader);
            }
            for (String key : p.stringPropertyNames()) {
                String effective = key.startsWith("%prod.") ? key.substring(6) : key;
                if (effective.startsWith("%")) {
                    continue; // another profile (%test, %dev)
                }
                if (!properties.containsKey(effective) || key.startsWith("%prod.")) {
                    properties.put(effective, p.getProperty(key));
                    origin.put(effective, root.relativize(file) + ": " + key);
                }
            }
        }

        Map<String, String> reads = new TreeMap<>();
        Map<Set<String>, String> localhost = new LinkedHashMap<>();
        properties.forEach((key, value) -> {
            Matcher e = EXPRESSION.matcher(value);
            String literal = EXPRESSION.matcher(value).replaceAll("");
            while (e.find()) {
                String referenced = e.group(1);
                if (properties.containsKey(referenced)) {
                    continue;
                }
                reads.putIfAbsent(env(referenced), origin.get(key));
                if (e.group(2) != null && LOCAL.matcher(e.group(2)).find()) {
                    localhost.put(new TreeSet<>(Set.of(env(referenced), env(key))), origin.get(key));
                }
            }
            if (LOCAL.matcher(literal).find()) {
                localhost.put(Set.of(env(key)), origin.get(key));
            }
        });

        List<String> channels = channelKeys(javaRoots);
        for (Path javaRoot : javaRoots) {
            List<Path> sources;
            try (Stream<Path> walk = Files.walk(javaRoot)) {
                sources = walk.filter(p -> p.toString().endsWith(".java")).toList();
            }
            for (Path source : sources) {
                String code = stripComments(Files.readString(source));
                String where = root.relativize(source).toString();
                Matcher mapping = Pattern.compile("@ConfigMapping\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"").matcher(code);
                if (mapping.find()) {
                    String prefix = mapping.group(1);
                    for (MappedProperty property : mappedProperties(code)) {
                        String key = prefix + "." + property.name;
                        if (properties.containsKey(key)) {
                            continue; // assigned in a properties file: read through its value's variables
                        }
                        reads.putIfAbsent(env(key), where + " " + key);
                        if (property.defaultValue != null && LOCAL.matcher(property.defaultValue).find()) {
                            localhost.put(Set.of(env(key)), where + " @WithDefault(\"" + property.defaultValue + "\")");
                        }
                    }
                }
                Matcher lookup = Pattern.compile(
                        "(?:getValue|getOptionalValue|@ConfigProperty)\\(\\s*(?:name\\s*=\\s*)?\"([^\"]+)\"\\s*(\\+)?")
                        .matcher(code);
                while (lookup.find()) {
                    String key = lookup.group(1);
                    if (lookup.group(2) != null && key.endsWith(".")) {
                        for (String channel : channels) {
                            reads.putIfAbsent(env(key + channel), where + " " + key + "<channel>");
                        }
                    } else if (!properties.containsKey(key)) {
                        reads.putIfAbsent(env(key), where + " " + key);
                    }
                }
            }
        }
        int port = Integer.parseInt(properties.getOrDefault("quarkus.http.port", "8080"));
        assertEquals("true", properties.get("quarkus.management.enabled"), name + ": the management interface");
        int managementPort = Integer.parseInt(properties.getOrDefault("quarkus.management.port", "9000"));
        boolean migrates = "true".equals(properties.get("quarkus.flyway.migrate-at-start"));
        boolean validates = "true".equals(properties.get("quarkus.flyway.validate-at-start"));
        return new ServiceModule(name, dir, port, managementPort, migrates, validates,
                properties.get("quarkus.datasource.jdbc.url"), reads, localhost, properties);
    }

    record MappedProperty(String name, String defaultValue) {
    }

    /**
     * The leaf properties of a mapping interface, relative to its prefix: each abstract {@code Type name();} with
     * the annotations before it; a method returning an interface declared in the same file is a group, whose
     * properties sit under {@code name.}.
     */
    private static List<MappedProperty> mappedProperties(String code) {
        Map<String, String> interfaces = interfaceBodies(code);
        String outer = interfaces.keySet().iterator().next();
        List<MappedProperty> found = new ArrayList<>();
        collect(interfaces, outer, "", found);
        return found;
    }

    private static void collect(Map<String, String> interfaces, String name, String prefix, List<MappedProperty> into) {
        Matcher method = Pattern.compile(
                "((?:@\\w+(?:\\(\\s*\"(?:[^\"\\\\]|\\\\.)*\"\\s*\\))?\\s*)*)([\\w.<>?,\\[\\] ]+?)\\s+(\\w+)\\(\\)\\s*;")
                .matcher(interfaces.get(name));
        while (method.find()) {
            String annotations = method.group(1);
            String type = method.group(2).trim();
            Matcher withName = Pattern.compile("@WithName\\(\\s*\"([^\"]*)\"").matcher(annotations);
            Matcher withDefault = Pattern.compile("@WithDefault\\(\\s*\"([^\"]*)\"").matcher(annotations);
            String property = prefix + (withName.find() ? withName.group(1) : kebab(method.group(3)));
            if (interfaces.containsKey(type)) {
                collect(interfaces, type, property + ".", into);
            } else {
                into.add(new MappedProperty(property, withDefault.find() ? withDefault.group(1) : null));
            }
        }
    }

    /** Interface name -> its body without nested blocks (nested interfaces, default methods), outermost first. */
    private static Map<String, String> interfaceBodies(String code) {
        Map<String, String> bodies = new LinkedHashMap<>();
        Matcher m = Pattern.compile("\\binterface\\s+(\\w+)[^{]*\\{").matcher(code);
        while (m.find()) {
            StringBuilder direct = new StringBuilder();
            int depth = 1;
            for (int i = m.end(); i < code.length() && depth > 0; i++) {
                char c = code.charAt(i);
                if (c == '{') {
                    depth++;
                } else if (c == '}') {
                    depth--;
                } else if (depth == 1) {
                    direct.append(c);
                }
            }
            bodies.put(m.group(1), direct.toString());
        }
        return bodies;
    }

    private static List<String> channelKeys(List<Path> javaRoots) throws IOException {
        for (Path javaRoot : javaRoots) {
            try (Stream<Path> walk = Files.walk(javaRoot)) {
                for (Path p : walk.filter(f -> f.getFileName().toString().equals("Channel.java")).toList()) {
                    Matcher m = Pattern.compile("enum\\s+Channel\\s*\\{\\s*([A-Z_,\\s]+);")
                            .matcher(stripComments(Files.readString(p)));
                    if (m.find()) {
                        return Stream.of(m.group(1).split(",")).map(String::trim).filter(s -> !s.isEmpty())
                                .map(s -> s.toLowerCase(Locale.ROOT)).toList();
                    }
                }
            }
        }
        return List.of();
    }

    /** The database name of the services' JDBC URL (all of them use one). */
    private static String databaseName() {
        Set<String> urls = modules.values().stream().map(ServiceModule::jdbcUrl).collect(Collectors.toSet());
        assertEquals(1, urls.size(), "the services share one database: " + urls);
        String url = urls.iterator().next();
        return url.substring(url.lastIndexOf('/') + 1);
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    /** SmallRye Config's environment name of a property: non-alphanumerics to '_', upper case. */
    static String env(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    static String stripComments(String code) {
        return code.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("(?m)//.*$", "");
    }

    /** A compose value with every {@code ${VAR:-default}} replaced by its default (empty when it has none). */
    static String resolveDefaults(String value) {
        return INTERPOLATION.matcher(value).replaceAll(r -> r.group(2) != null && r.group(2).endsWith("-")
                ? Matcher.quoteReplacement(r.group(3)) : "");
    }

    static List<String> list(Object value) {
        if (value == null) {
            return List.of();
        }
        return ((List<?>) value).stream().map(v -> v instanceof Map<?, ?> m
                ? m.get("source") + ":" + m.get("target") : String.valueOf(v)).toList();
    }

    static Set<Integer> containerPorts(Map<String, Object> service) {
        Set<Integer> ports = new TreeSet<>();
        for (Object entry : (List<?>) service.getOrDefault("ports", List.of())) {
            String target = entry instanceof Map<?, ?> m ? String.valueOf(m.get("target"))
                    : resolveDefaults(String.valueOf(entry)).replaceAll(".*:", "");
            ports.add(Integer.parseInt(target.replaceAll("/.*", "")));
        }
        for (Object entry : (List<?>) service.getOrDefault("expose", List.of())) {
            ports.add(Integer.parseInt(String.valueOf(entry).replaceAll("/.*", "")));
        }
        return ports;
    }

    static Object healthTest(Map<String, Object> service) {
        Map<?, ?> health = (Map<?, ?>) service.get("healthcheck");
        return health == null || Boolean.TRUE.equals(health.get("disable")) ? null : health.get("test");
    }

    private static Path findRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docker-compose.yml")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no docker-compose.yml above " + Path.of("").toAbsolutePath());
    }

    /** One compose file, parsed. */
    static final class Compose {
        final Path file;
        final String text;
        final Map<String, Map<String, Object>> services;
        final Map<String, Object> volumes;
        final Set<String> topLevel;

        @SuppressWarnings("unchecked")
        private Compose(Path file, String text, Map<String, Object> yaml) {
            this.file = file;
            this.text = text;
            this.topLevel = new TreeSet<>(yaml.keySet());
            this.services = (Map<String, Map<String, Object>>) yaml.get("services");
            Object v = yaml.get("volumes");
            this.volumes = v == null ? Map.of() : (Map<String, Object>) v;
        }

        static Compose load(Path file) throws IOException {
            String text = Files.readString(file);
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            Map<String, Object> yaml = new Yaml(new SafeConstructor(options)).load(new StringReader(text));
            assertNotNull(yaml.get("services"), file + " has services");
            return new Compose(file, text, yaml);
        }

        /** module directory name -> compose service built from it. */
        Map<String, String> moduleServices() {
            Map<String, String> byModule = new TreeMap<>();
            services.forEach((name, service) -> {
                Object build = service.get("build");
                if (build != null) {
                    String context = build instanceof String s ? s : (String) ((Map<?, ?>) build).get("context");
                    String module = root.relativize(root.resolve(context).normalize()).toString();
                    if (modules.containsKey(module)) {
                        assertFalse(byModule.containsKey(module), this + ": two services built from " + module);
                        byModule.put(module, name);
                    }
                }
            });
            return byModule;
        }

        Map<String, String> environment(String service) {
            Object env = services.get(service).get("environment");
            Map<String, String> result = new TreeMap<>();
            if (env instanceof Map<?, ?> map) {
                map.forEach((k, v) -> result.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
            } else if (env instanceof List<?> entries) {
                for (Object entry : entries) {
                    String s = String.valueOf(entry);
                    int eq = s.indexOf('=');
                    result.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? null : s.substring(eq + 1));
                }
            }
            return result;
        }

        /** The image a service runs when no variable is set (the file's default). */
        String image(String service) {
            return resolveDefaults(rawImage(service));
        }

        String rawImage(String service) {
            return String.valueOf(services.get(service).getOrDefault("image", ""));
        }

        /** The long-running services of an image (one-shot helpers that share it left out). */
        List<String> servicesWithImage(String prefix) {
            return services.keySet().stream().filter(s -> image(s).startsWith(prefix) && !isOneShot(s)).toList();
        }

        /** dependency -> condition ("service_started" for the short form). */
        Map<String, String> dependsOn(String service) {
            Object deps = services.get(service).get("depends_on");
            Map<String, String> result = new LinkedHashMap<>();
            if (deps instanceof List<?> names) {
                names.forEach(n -> result.put(String.valueOf(n), "service_started"));
            } else if (deps instanceof Map<?, ?> map) {
                map.forEach((k, v) -> result.put(String.valueOf(k), v instanceof Map<?, ?> c && c.get("condition") != null
                        ? String.valueOf(c.get("condition")) : "service_started"));
            }
            return result;
        }

        /** A container that runs once and exits: restart "no" and only waited for by completion. */
        boolean isOneShot(String service) {
            if (!"no".equals(String.valueOf(services.get(service).get("restart")))) {
                return false;
            }
            return services.keySet().stream().allMatch(s -> !dependsOn(s).containsKey(service)
                    || "service_completed_successfully".equals(dependsOn(s).get(service)));
        }

        /** Services this one waits for (any condition), directly or through them. */
        Set<String> startedAfter(String service) {
            Set<String> seen = new LinkedHashSet<>();
            Deque<String> pending = new ArrayDeque<>(List.of(service));
            while (!pending.isEmpty()) {
                dependsOn(pending.pop()).keySet().forEach(dependency -> {
                    if (seen.add(dependency)) {
                        pending.push(dependency);
                    }
                });
            }
            return seen;
        }

        /** Services this one waits for to be healthy, directly or through them. */
        Set<String> healthyClosure(String service) {
            Set<String> seen = new LinkedHashSet<>();
            Deque<String> pending = new ArrayDeque<>(List.of(service));
            while (!pending.isEmpty()) {
                dependsOn(pending.pop()).forEach((dependency, condition) -> {
                    if ("service_healthy".equals(condition) && seen.add(dependency)) {
                        pending.push(dependency);
                    }
                });
            }
            return seen;
        }

        /** Services of this file that a service's environment names as a host. */
        Set<String> hostsNamedBy(String service) {
            Set<String> hosts = new TreeSet<>();
            Pattern url = Pattern.compile("^(?:jdbc:)?[a-z]+://([^/:?]+)");
            environment(service).forEach((name, value) -> {
                if (value == null) {
                    return;
                }
                if (name.endsWith("_ADDRESSES")) {
                    for (String address : value.split(",")) {
                        String host = address.trim().split(":")[0];
                        if (services.containsKey(host)) {
                            hosts.add(host);
                        }
                    }
                    return;
                }
                Matcher m = url.matcher(value);
                String host = m.find() ? m.group(1) : name.endsWith("_HOST") ? value : null;
                // (RABBITMQ_VIRTUAL_HOST "/" and the like are no services, and are skipped below.)
                if (host != null && services.containsKey(host)) {
                    hosts.add(host);
                }
            });
            return hosts;
        }

        /** Files of the repository that services of this file mount (configuration), or that one service mounts. */
        List<Path> mountedFiles(String... onlyService) {
            Collection<String> names = onlyService.length == 0 ? services.keySet() : List.of(onlyService);
            List<Path> files = new ArrayList<>();
            for (String name : names) {
                for (String volume : list(services.get(name).get("volumes"))) {
                    if (volume.startsWith("./")) {
                        Path p = root.resolve(volume.substring(0, volume.indexOf(':'))).normalize();
                        if (Files.isRegularFile(p)) {
                            files.add(p);
                        }
                    }
                }
            }
            return files;
        }

        @Override
        public String toString() {
            return file.getFileName().toString();
        }
    }
}
