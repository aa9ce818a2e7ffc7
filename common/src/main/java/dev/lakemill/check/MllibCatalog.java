package dev.lakemill.check;

import dev.lakemill.compile.MlCatalog;
import dev.lakemill.plan.ProblemType;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarFile;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Predictor;
import org.apache.spark.ml.classification.Classifier;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * {@link MlCatalog} over the MLlib classes on the classpath. Instantiating a stage needs no
 * SparkSession: its {@code Params} are plain objects, so validation stays session-free.
 */
public final class MllibCatalog implements MlCatalog {
  /** Packages searched for simple names, in order. */
  public static final List<String> PACKAGES = List.of(
      "org.apache.spark.ml.feature", "org.apache.spark.ml.classification", "org.apache.spark.ml.regression",
      "org.apache.spark.ml.clustering", "org.apache.spark.ml.recommendation");

  private static final MllibCatalog SHARED = new MllibCatalog();

  /** One catalog per JVM: classes do not change at run time, so their answers are cached. */
  public static MllibCatalog shared() {
    return SHARED;
  }

  private final Map<String, Resolution> resolved = new ConcurrentHashMap<>();
  private final Map<String, Params> instances = new ConcurrentHashMap<>();
  private volatile Collection<String> known;

  @Override
  public Resolution resolve(String type) {
    return resolved.computeIfAbsent(type, this::load);
  }

  /** Resolves each type on its own daemon thread (class loading is most of the cost of validate). */
  @Override
  public void prefetch(Collection<String> types) {
    for (String type : new TreeSet<>(types)) {
      if (!resolved.containsKey(type)) {
        Thread t = new Thread(() -> resolve(type), "lakemill-mllib-prefetch");
        t.setDaemon(true);
        t.start();
      }
    }
  }

  private Resolution load(String type) {
    List<String> candidates = type.contains(".") ? List.of(type) : PACKAGES.stream().map(p -> p + "." + type).toList();
    for (String name : candidates) {
      Class<?> cls;
      try {
        cls = Class.forName(name, false, MllibCatalog.class.getClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        continue;
      }
      if (!PipelineStage.class.isAssignableFrom(cls)) {
        return Resolution.unusable("is not a Spark ML Estimator or Transformer");
      }
      if (Modifier.isAbstract(cls.getModifiers()) || cls.isInterface()) {
        return Resolution.unusable("is abstract: name a concrete class");
      }
      Params instance;
      try {
        instance = (Params) cls.getConstructor().newInstance();
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        return Resolution.unusable("cannot be created without arguments, as a pipeline file must (" + e + ")");
      }
      instances.put(cls.getName(), instance);
      List<String> params = Arrays.stream(instance.params()).map(Param::name).sorted().toList();
      return Resolution.of(new MlClass(cls.getName(), cls.getSimpleName(), Estimator.class.isAssignableFrom(cls),
          problem(cls), params));
    }
    return Resolution.notFound();
  }

  private static ProblemType problem(Class<?> cls) {
    if (!Estimator.class.isAssignableFrom(cls)) {
      return ProblemType.OTHER;
    }
    String pkg = cls.getPackageName();
    if (pkg.endsWith(".classification") || Classifier.class.isAssignableFrom(cls)) {
      return ProblemType.CLASSIFICATION;
    }
    if (pkg.endsWith(".regression") || Predictor.class.isAssignableFrom(cls)) {
      return ProblemType.REGRESSION;
    }
    if (pkg.endsWith(".clustering")) {
      return ProblemType.CLUSTERING;
    }
    return ProblemType.OTHER;
  }

  @Override
  public String checkValue(MlClass type, String param, Object value) {
    Params instance = instances.get(type.className());
    try {
      MllibParams.checked(instance.getParam(param), value);
      return null;
    } catch (MllibParams.BadValue e) {
      return e.getMessage();
    }
  }

  /** Simple names in the searched packages, read from the MLlib jar's listing (no class is loaded). */
  @Override
  public Collection<String> knownTypes() {
    if (known == null) {
      known = listTypes();
    }
    return known;
  }

  private static Collection<String> listTypes() {
    TreeSet<String> names = new TreeSet<>();
    try {
      Path location = Path.of(PipelineStage.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      List<String> entries = new ArrayList<>();
      if (Files.isDirectory(location)) {
        try (var files = Files.walk(location)) {
          files.forEach(f -> entries.add(location.relativize(f).toString().replace('\\', '/')));
        }
      } else {
        try (JarFile jar = new JarFile(location.toFile())) {
          jar.stream().forEach(e -> entries.add(e.getName()));
        }
      }
      for (String entry : entries) {
        int slash = entry.lastIndexOf('/');
        if (slash < 0 || !entry.endsWith(".class") || entry.contains("$")) {
          continue;
        }
        String pkg = entry.substring(0, slash).replace('/', '.');
        String simple = entry.substring(slash + 1, entry.length() - ".class".length());
        if (PACKAGES.contains(pkg) && !simple.matches(".*(Params|Base|Summary|Wrapper|Model|Util|Utils|Aggregator)")) {
          names.add(simple);
        }
      }
    } catch (IOException | URISyntaxException | RuntimeException e) {
      // Without the listing, unknown types are still reported, only without a suggestion.
    }
    return List.copyOf(names);
  }
}
