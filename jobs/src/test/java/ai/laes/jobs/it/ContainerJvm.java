package ai.laes.jobs.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Spark JVM running in a YARN container on this machine, found from /proc: the container's id (from
 * the container log directory Spark puts on the JVM's command line), its role and its resident
 * memory. The NodeManager enforces its limit on the container's process tree, which is this JVM plus
 * the launch script's bash (a few MB).
 */
record ContainerJvm(long pid, String containerId, Role role) {
    /** What the JVM runs: an executor, the client-mode AM, or the cluster-mode AM hosting the driver. */
    enum Role { EXECUTOR, AM, DRIVER_AM }

    private static final Pattern CONTAINER = Pattern.compile("container_(?:e\\d+_)?\\d+_\\d+_\\d+_\\d+");

    /** Every container JVM alive now. */
    static List<ContainerJvm> list() {
        List<ContainerJvm> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Paths.get("/proc"))) {
            procs.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
                    .forEach(n -> of(Long.parseLong(n)).ifPresent(found::add));
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc: " + e.getMessage(), e);
        }
        return found;
    }

    private static Optional<ContainerJvm> of(long pid) {
        String cmdline;
        try {
            cmdline = Files.readString(Paths.get("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
        } catch (IOException gone) {
            return Optional.empty();
        }
        if (!cmdline.contains("-Dspark.yarn.app.container.log.dir=") || cmdline.startsWith("bash") || cmdline.startsWith("/bin/bash")) {
            return Optional.empty();
        }
        Matcher m = CONTAINER.matcher(cmdline);
        if (!m.find()) {
            return Optional.empty();
        }
        Role role = cmdline.contains("CoarseGrainedExecutorBackend") ? Role.EXECUTOR
                : cmdline.contains("ExecutorLauncher") ? Role.AM : Role.DRIVER_AM;
        return Optional.of(new ContainerJvm(pid, m.group(), role));
    }

    /** The application id the container belongs to ({@code application_<cluster>_<n>}). */
    String applicationId() {
        String[] parts = containerId.replaceFirst("_e\\d+_", "_").split("_");
        return "application_" + parts[1] + "_" + parts[2];
    }

    /** Resident memory in MB now (VmRSS), or -1 when the process is gone. */
    long rssMb() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException gone) {
            return -1;
        }
        return -1;
    }
}
