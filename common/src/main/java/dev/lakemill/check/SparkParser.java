package dev.lakemill.check;

import dev.lakemill.compile.SqlAnalyzer.Forbidden;
import dev.lakemill.compile.SqlAnalyzer.ForbiddenKind;
import dev.lakemill.compile.SqlAnalyzer.SqlError;
import dev.lakemill.compile.SqlAnalyzer.TableRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.catalyst.analysis.ExpressionWithUnresolvedIdentifier;
import org.apache.spark.sql.catalyst.analysis.NamedParameter;
import org.apache.spark.sql.catalyst.analysis.PlanWithUnresolvedIdentifier;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunction;
import org.apache.spark.sql.catalyst.analysis.UnresolvedGenerator;
import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation;
import org.apache.spark.sql.catalyst.analysis.UnresolvedTableValuedFunction;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.PlanExpression;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.ScriptTransformation;
import org.apache.spark.sql.catalyst.plans.logical.UnresolvedWith;
import org.apache.spark.sql.catalyst.trees.TreeNode;
import org.apache.spark.sql.execution.SparkSqlParser;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Spark's own SQL parser, AST builder included: the code path {@code run} takes ({@code spark.sql},
 * {@code functions.expr}, {@code StructType.fromDDL}), without a SparkSession. It rejects what the
 * grammar alone lets through (an unquoted {@code customers-clean}, an unknown data type), and its
 * parsed plan is walked for the reads and calls a pipeline may not make.
 */
final class SparkParser {
  /**
   * Table-valued functions that read nothing but their arguments: Spark 4.1's
   * {@code TableFunctionRegistry.builtin} without {@code python_worker_logs}, which reads the Python
   * workers' logs. {@code SparkParserTest} fails when Spark's list changes, so each new one is reviewed.
   */
  static final Set<String> ALLOWED_TABLE_FUNCTIONS = Set.of("collations", "explode", "explode_outer", "inline",
      "inline_outer", "json_tuple", "posexplode", "posexplode_outer", "range", "sql_keywords", "stack",
      "variant_explode", "variant_explode_outer");

  /** Built-in functions (from {@code FunctionRegistry.builtin}) that reach the JVM or the file system, and why. */
  static final Map<String, String> DENIED_FUNCTIONS = Map.of(
      "reflect", "calls any static Java method",
      "java_method", "calls any static Java method",
      "try_reflect", "calls any static Java method",
      "from_protobuf", "can read a descriptor file from the file system",
      "to_protobuf", "can read a descriptor file from the file system");

  /** Data source names Spark reads a file with in {@code format.`path`}; any name with a path is caught too. */
  private static final Set<String> FILE_FORMATS = Set.of("parquet", "orc", "json", "csv", "text", "avro", "delta",
      "binaryfile", "xml", "libsvm", "image", "jdbc", "noop", "kafka", "hive");

  /**
   * What Spark's parser says about a text.
   *
   * @param errors Spark's parse error, if any (then nothing else is filled in)
   * @param tables tables read, CTE names excluded: {@code IDENTIFIER('name')} literals included
   * @param fileTables names of {@code format.`path`} reads, as the grammar-level analysis lists them
   * @param forbidden reads and calls a pipeline may not make
   */
  record Result(List<SqlError> errors, List<TableRef> tables, Set<String> fileTables, List<Forbidden> forbidden) {
    static Result failed(SqlError error) {
      return new Result(List.of(error), List.of(), Set.of(), List.of());
    }
  }

  private SparkParser() {}

  /** A query as {@code spark.sql} parses it. */
  static Result query(String sql) {
    LogicalPlan plan;
    try {
      plan = Holder.PARSER.parsePlan(sql);
    } catch (Exception e) {
      return Result.failed(error(e));
    }
    Walk walk = new Walk();
    walk.plan(plan);
    return walk.result();
  }

  /** An expression as {@code functions.expr} parses it. */
  static Result expression(String text) {
    Expression expression;
    try {
      expression = Holder.PARSER.parseExpression(text);
    } catch (Exception e) {
      return Result.failed(error(e));
    }
    Walk walk = new Walk();
    walk.expression(expression);
    return walk.result();
  }

  /** A DDL schema as {@code StructType.fromDDL} parses it. */
  static List<SqlError> schema(String ddl) {
    try {
      StructType.fromDDL(ddl);
      return List.of();
    } catch (Exception e) {
      return List.of(error(e));
    }
  }

  /**
   * Spark's message without its SQL excerpt and SQLSTATE, at Spark's 1-based line and column. The
   * parser throws {@link ParseException} (Scala declares no checked exceptions); anything else it
   * throws is reported the same way, since {@code run} would fail with it too.
   */
  private static SqlError error(Exception e) {
    if (e instanceof ParseException p) {
      int line = p.line().isDefined() ? (Integer) p.line().get() : 1;
      int column = p.startPosition().isDefined() ? (Integer) p.startPosition().get() + 1 : 1;
      return new SqlError(line, column, firstLine(p.message()));
    }
    if (e instanceof AnalysisException a) {
      int line = a.line().isDefined() ? (Integer) a.line().get() : 1;
      int column = a.startPosition().isDefined() ? (Integer) a.startPosition().get() + 1 : 1;
      return new SqlError(line, column, firstLine(a.message()));
    }
    return new SqlError(1, 1, firstLine(String.valueOf(e.getMessage())));
  }

  private static String firstLine(String message) {
    return message.lines().findFirst().orElse("").replaceFirst("\\s*SQLSTATE: \\w+\\s*$", "").strip();
  }

  /** Collects tables, CTE names and forbidden reads from a parsed plan or expression. */
  private static final class Walk {
    private final Map<String, TableRef> tables = new LinkedHashMap<>();
    private final Set<String> ctes = new LinkedHashSet<>();
    private final Set<String> fileTables = new LinkedHashSet<>();
    private final List<Forbidden> forbidden = new ArrayList<>();

    Result result() {
      Set<String> cteLower = ctes.stream().map(c -> c.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
      List<TableRef> read = tables.values().stream()
          .filter(t -> !cteLower.contains(t.name().toLowerCase(Locale.ROOT))).toList();
      return new Result(List.of(), read, fileTables, forbidden);
    }

    void plan(LogicalPlan node) {
      if (node instanceof UnresolvedRelation r) {
        relation(list(r.multipartIdentifier()), line(r));
      } else if (node instanceof UnresolvedTableValuedFunction f) {
        tableFunction(list(f.name()), line(f));
      } else if (node instanceof PlanWithUnresolvedIdentifier p) {
        LogicalPlan built = p.planBuilder().apply(seq(List.of("x")), p.children());
        String literal = literal(p.identifierExpr());
        if (literal == null) {
          forbidden.add(new Forbidden(ForbiddenKind.COMPUTED_NAME, identifier(p.identifierExpr()), line(p)));
        } else if (built instanceof UnresolvedRelation) {
          relation(parts(literal), line(p));
        } else if (built instanceof UnresolvedTableValuedFunction) {
          tableFunction(parts(literal), line(p));
        }
      } else if (node instanceof ScriptTransformation s) {
        forbidden.add(new Forbidden(ForbiddenKind.SCRIPT, "TRANSFORM ... USING '" + s.script() + "'", line(s)));
      } else if (node instanceof UnresolvedWith with) {
        CollectionConverters.asJava(with.cteRelations()).forEach(cte -> ctes.add(cte._1()));
      }
      CollectionConverters.asJava(node.children()).forEach(this::plan);
      CollectionConverters.asJava(node.innerChildren()).forEach(this::inner);
      CollectionConverters.asJava(node.expressions()).forEach(this::expression);
    }

    private void inner(TreeNode<?> node) {
      if (node instanceof LogicalPlan p) {
        plan(p);
      } else if (node instanceof Expression e) {
        expression(e);
      }
    }

    void expression(Expression e) {
      if (e instanceof UnresolvedFunction f) {
        function(list(f.nameParts()), line(f));
      } else if (e instanceof UnresolvedGenerator g) {
        List<String> name = new ArrayList<>();
        if (g.name().database().isDefined()) {
          name.add(g.name().database().get());
        }
        name.add(g.name().funcName());
        function(name, line(g));
      } else if (e instanceof ExpressionWithUnresolvedIdentifier x) {
        Expression built = x.exprBuilder().apply(seq(List.of("x")), x.otherExprs());
        if (built instanceof UnresolvedFunction) {
          String literal = literal(x.identifierExpr());
          if (literal == null) {
            forbidden.add(new Forbidden(ForbiddenKind.COMPUTED_NAME, identifier(x.identifierExpr()), line(x)));
          } else {
            function(parts(literal), line(x));
          }
        }
      } else if (e instanceof PlanExpression<?> sub && sub.plan() instanceof LogicalPlan p) {
        plan(p);
      }
      CollectionConverters.asJava(e.children()).forEach(this::expression);
    }

    private void relation(List<String> parts, int line) {
      String name = String.join(".", parts);
      boolean path = parts.size() >= 2 && parts.get(parts.size() - 1).matches(".*[/\\\\:].*");
      if (parts.size() >= 2 && (path || FILE_FORMATS.contains(parts.get(0).toLowerCase(Locale.ROOT)))) {
        fileTables.add(name);
        forbidden.add(new Forbidden(ForbiddenKind.FILE_TABLE, parts.get(0) + ".`"
            + String.join(".", parts.subList(1, parts.size())) + "`", line));
      } else {
        tables.putIfAbsent(name, new TableRef(name, line));
      }
    }

    private void tableFunction(List<String> name, int line) {
      String last = name.get(name.size() - 1).toLowerCase(Locale.ROOT);
      if (name.size() > 1 || !ALLOWED_TABLE_FUNCTIONS.contains(last)) {
        forbidden.add(new Forbidden(ForbiddenKind.TABLE_FUNCTION, String.join(".", name), line));
      }
    }

    private void function(List<String> name, int line) {
      String last = name.get(name.size() - 1).toLowerCase(Locale.ROOT);
      if (DENIED_FUNCTIONS.containsKey(last)) {
        forbidden.add(new Forbidden(ForbiddenKind.DENIED_FUNCTION, last, line, DENIED_FUNCTIONS.get(last)));
      } else if (name.size() > 1) {
        forbidden.add(new Forbidden(ForbiddenKind.CATALOG_FUNCTION, String.join(".", name), line));
      }
    }
  }

  /** {@code IDENTIFIER(...)} as written, near enough: parameter markers as {@code :name}, the rest as Spark's SQL. */
  private static String identifier(Expression argument) {
    return "IDENTIFIER(" + (argument instanceof NamedParameter n ? ":" + n.name() : argument.sql()) + ")";
  }

  /** The value of a string literal, or null for anything else. */
  private static String literal(Expression e) {
    return e instanceof Literal l && l.dataType() instanceof StringType && l.value() != null ? l.value().toString() : null;
  }

  private static List<String> parts(String name) {
    try {
      return list(CatalystSqlParser$.MODULE$.parseMultipartIdentifier(name));
    } catch (Exception e) {
      return List.of(name);
    }
  }

  private static int line(TreeNode<?> node) {
    return node.origin().line().isDefined() ? (Integer) node.origin().line().get() : 1;
  }

  private static <T> List<T> list(scala.collection.Seq<T> seq) {
    return CollectionConverters.asJava(seq);
  }

  private static scala.collection.immutable.Seq<String> seq(List<String> list) {
    return CollectionConverters.asScala(list).toList();
  }

  /** One parser per JVM, created on first use: its start-up (Spark's SQL configuration) is most of its cost. */
  private static final class Holder {
    static final SparkSqlParser PARSER = new SparkSqlParser();
  }
}
