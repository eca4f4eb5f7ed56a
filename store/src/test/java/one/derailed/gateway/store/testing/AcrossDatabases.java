package one.derailed.gateway.store.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * AcrossDatabases runs a test once per kind of {@link TestDatabases#all() test database} (H2, and PostgreSQL when
 * configured); the test takes a {@code Supplier<Database>} and opens and closes its own database:
 *
 * <pre>{@code
 * @AcrossDatabases
 * void findsTheUser(Supplier<Database> databases) {
 *     try (Database database = databases.get()) { ... }
 * }
 * }</pre>
 */
@Documented
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "{0}")
@MethodSource("one.derailed.gateway.store.testing.TestDatabases#all")
public @interface AcrossDatabases {
}
