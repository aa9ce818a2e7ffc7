package dev.lakemill.check;

import dev.lakemill.compile.SqlAnalyzer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.Interval;
import org.antlr.v4.runtime.tree.ParseTree;
import org.apache.spark.sql.catalyst.parser.SqlBaseLexer;
import org.apache.spark.sql.catalyst.parser.SqlBaseParser;
import org.apache.spark.sql.catalyst.parser.UpperCaseCharStream;

/**
 * {@link SqlAnalyzer} on Spark's own generated ANTLR grammar, used directly (no SparkSession), then,
 * for text the grammar accepts, on Spark's full parser ({@link SparkParser}: the AST builder that
 * {@code run} goes through, and the walk for reads a pipeline may not make). Results are memoized
 * per text, since validation and compilation ask about the same SQL.
 */
public final class SparkSqlAnalyzer implements SqlAnalyzer {
  /** A column reference, {@code *}, {@code t.*}, a number or a string literal: Spark names these plainly. */
  private static final Pattern NAMED_BY_ITSELF =
      Pattern.compile("((`[^`]*`|\\w+)\\.)*(`[^`]*`|\\w+|\\*)|-?\\d+(\\.\\d+)?|'[^']*'");
  private final Map<String, Analysis> queries = new HashMap<>();

  @Override
  public synchronized Analysis analyzeQuery(String sql) {
    return queries.computeIfAbsent(sql, text -> {
      List<SqlError> errors = new ArrayList<>();
      ParseTree tree = parse(text, errors, SqlBaseParser::singleQuery);
      if (!errors.isEmpty()) {
        return new Analysis(errors, List.of(), List.of());
      }
      SparkParser.Result spark = SparkParser.query(text);
      if (!spark.errors().isEmpty()) {
        return new Analysis(spark.errors(), List.of(), List.of());
      }
      Map<String, TableRef> tables = new LinkedHashMap<>();
      Set<String> ctes = new LinkedHashSet<>();
      collect(tree, tables, ctes);
      Set<String> cteLower = ctes.stream().map(c -> c.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
      return new Analysis(errors, withNamedByLiteral(tables.values().stream()
          .filter(t -> !cteLower.contains(t.name().toLowerCase(Locale.ROOT)))
          .filter(t -> !spark.fileTables().contains(t.name()))
          .toList(), spark.tables()), unnamedColumns(tree), spark.forbidden());
    });
  }

  /** Adds the tables only Spark's plan shows ({@code IDENTIFIER('name')}) to the grammar's list. */
  private static List<TableRef> withNamedByLiteral(List<TableRef> grammar, List<TableRef> plan) {
    List<TableRef> out = new ArrayList<>(grammar);
    Set<String> seen = grammar.stream().map(TableRef::name).collect(Collectors.toSet());
    plan.stream().filter(t -> !seen.contains(t.name())).forEach(out::add);
    return out;
  }

  @Override
  public Analysis analyzeExpression(String expression) {
    List<SqlError> errors = new ArrayList<>();
    parse(expression, errors, SqlBaseParser::singleExpression);
    if (!errors.isEmpty()) {
      return new Analysis(errors, List.of(), List.of());
    }
    SparkParser.Result spark = SparkParser.expression(expression);
    return new Analysis(spark.errors(), spark.tables(), List.of(), spark.forbidden());
  }

  @Override
  public List<SqlError> checkExpression(String expression) {
    return analyzeExpression(expression).errors();
  }

  @Override
  public List<SqlError> checkSchema(String ddl) {
    List<SqlError> errors = new ArrayList<>();
    parse(ddl, errors, SqlBaseParser::singleTableSchema);
    return errors.isEmpty() ? SparkParser.schema(ddl) : errors;
  }

  private static ParseTree parse(String text, List<SqlError> errors, Function<SqlBaseParser, ParseTree> rule) {
    FirstErrorListener listener = new FirstErrorListener(errors);
    SqlBaseLexer lexer = new SqlBaseLexer(new UpperCaseCharStream(CharStreams.fromString(text)));
    lexer.removeErrorListeners();
    lexer.addErrorListener(listener);
    SqlBaseParser parser = new SqlBaseParser(new CommonTokenStream(lexer));
    parser.removeErrorListeners();
    parser.addErrorListener(listener);
    parser.legacy_setops_precedence_enabled = false;
    parser.legacy_exponent_literal_as_decimal_enabled = false;
    parser.SQL_standard_keyword_behavior = false;
    parser.double_quoted_identifiers = false;
    parser.parameter_substitution_enabled = true;
    parser.legacy_identifier_clause_only = false;
    return rule.apply(parser);
  }

  private static void collect(ParseTree node, Map<String, TableRef> tables, Set<String> ctes) {
    if (node instanceof SqlBaseParser.TableNameContext t
        && t.identifierReference() != null
        && t.identifierReference().multipartIdentifier() != null) {
      String name = t.identifierReference().multipartIdentifier().errorCapturingIdentifier().stream()
          .map(p -> unquote(p.getText()))
          .collect(Collectors.joining("."));
      tables.putIfAbsent(name, new TableRef(name, t.getStart().getLine()));
    }
    if (node instanceof SqlBaseParser.NamedQueryContext q && q.name != null) {
      ctes.add(unquote(q.name.getText()));
    }
    for (int i = 0; i < node.getChildCount(); i++) {
      collect(node.getChild(i), tables, ctes);
    }
  }

  /** Select items of the outermost query (its first branch) that Spark would name after their text. */
  private static List<UnnamedColumn> unnamedColumns(ParseTree tree) {
    SqlBaseParser.RegularQuerySpecificationContext main = outermostSelect(tree);
    List<UnnamedColumn> out = new ArrayList<>();
    if (main == null || main.selectClause() == null || main.selectClause().namedExpressionSeq() == null) {
      return out;
    }
    for (SqlBaseParser.NamedExpressionContext item : main.selectClause().namedExpressionSeq().namedExpression()) {
      if (item.name == null && item.identifierList() == null && !NAMED_BY_ITSELF.matcher(item.getText()).matches()) {
        String text = item.getStart().getInputStream().getText(
            Interval.of(item.getStart().getStartIndex(), item.getStop().getStopIndex()));
        out.add(new UnnamedColumn(text, item.getStart().getLine()));
      }
    }
    return out;
  }

  private static SqlBaseParser.RegularQuerySpecificationContext outermostSelect(ParseTree node) {
    if (node instanceof SqlBaseParser.RegularQuerySpecificationContext spec) {
      return spec;
    }
    for (int i = 0; i < node.getChildCount(); i++) {
      ParseTree child = node.getChild(i);
      if (!(child instanceof SqlBaseParser.CtesContext)) {
        SqlBaseParser.RegularQuerySpecificationContext found = outermostSelect(child);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  private static String unquote(String identifier) {
    if (identifier.length() >= 2 && identifier.startsWith("`") && identifier.endsWith("`")) {
      return identifier.substring(1, identifier.length() - 1).replace("``", "`");
    }
    return identifier;
  }

  /** Keeps the first syntax error only: ANTLR's recovery produces follow-on noise. */
  private static final class FirstErrorListener extends BaseErrorListener {
    private final List<SqlError> errors;

    FirstErrorListener(List<SqlError> errors) {
      this.errors = errors;
    }

    @Override
    public void syntaxError(Recognizer<?, ?> recognizer, Object offending, int line, int column,
        String msg, RecognitionException e) {
      if (!errors.isEmpty()) {
        return;
      }
      String message;
      if (offending instanceof Token token) {
        message = token.getType() == Token.EOF
            ? "syntax error at end of input"
            : "syntax error at or near '" + token.getText() + "'";
      } else {
        message = "syntax error: " + msg;
      }
      errors.add(new SqlError(line, column + 1, message));
    }
  }
}
