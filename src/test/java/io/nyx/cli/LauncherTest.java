package io.nyx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./nyx} launcher's choice of JVM options, run for real by bash against a stand-in
 * {@code java} that prints its arguments: the Vector API module (and with it the JDK's "Using
 * incubator modules" warning) only for the commands that route or search in bulk.
 */
class LauncherTest {
  @TempDir Path home;

  @Test
  void theVectorApiIsLoadedForServeAndRouteOnly() throws Exception {
    install();
    assertThat(javaArgs(Map.of(), "serve", "--port", "0"))
        .contains("--add-modules jdk.incubator.vector")
        .endsWith("-jar " + home.resolve("target/nyx.jar") + " serve --port 0");
    assertThat(javaArgs(Map.of(), "route")).contains("--add-modules jdk.incubator.vector");
    for (String command : List.of("--version", "keys", "ask", "export", "memory", "simulate")) {
      assertThat(javaArgs(Map.of(), command)).as(command).doesNotContain("--add-modules");
    }
    assertThat(javaArgs(Map.of("NYX_VECTOR_API", "off"), "serve")).doesNotContain("--add-modules");
    assertThat(javaArgs(Map.of(), "keys")).contains("--enable-native-access=ALL-UNNAMED");
  }

  @Test
  void serveGetsABoundedHeapUnlessTheOperatorSizesIt() throws Exception {
    install();
    assertThat(javaArgs(Map.of(), "serve")).contains(" -Xmx512m ");
    assertThat(javaArgs(Map.of(), "keys")).doesNotContain("-Xmx");
    assertThat(javaArgs(Map.of("NYX_JAVA_OPTS", "-Xmx2g"), "serve"))
        .contains(" -Xmx2g ")
        .doesNotContain("-Xmx512m");
    assertThat(javaArgs(Map.of("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=50"), "serve"))
        .doesNotContain("-Xmx");
  }

  /** The launcher in a directory of its own, with a built jar and a java that echoes. */
  private void install() throws IOException {
    Files.copy(Path.of("nyx"), home.resolve("nyx"));
    Path jdk = home.resolve("jdk/bin");
    Files.createDirectories(jdk);
    Files.writeString(jdk.resolve("java"), "#!/usr/bin/env bash\necho \"$*\"\n");
    Files.setPosixFilePermissions(
        jdk.resolve("java"), PosixFilePermissions.fromString("rwx------"));
    Files.createDirectories(home.resolve("scripts"));
    Files.writeString(
        home.resolve("scripts/find-jdk.sh"), "JAVA_HOME=\"" + home.resolve("jdk") + "\"\n");
    Files.createDirectories(home.resolve("target"));
    Files.writeString(home.resolve("target/nyx.jar"), ""); // no src/main here: nothing to rebuild
  }

  private String javaArgs(Map<String, String> env, String... args) throws Exception {
    List<String> command =
        new java.util.ArrayList<>(List.of("bash", home.resolve("nyx").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().remove("NYX_JAVA_OPTS");
    pb.environment().remove("NYX_VECTOR_API");
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    pb.environment().putAll(env);
    Process p = pb.start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
