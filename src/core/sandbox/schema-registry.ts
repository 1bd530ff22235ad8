/**
 * The sandbox's schema registry: Apicurio Registry (a real, Confluent-compatible registry; its
 * ccompat API at /apis/ccompat/v6), built from Maven Central artifacts into a runnable Quarkus
 * application by the machine's Maven. Pure: the build project's files and the JVM flags.
 *
 * Why this version and this shape (checked on the project's machines):
 * - apicurio-registry-app is a library jar; Quarkus needs a build (augmentation) to run it, so
 *   a small generated project depends on it and runs quarkus-maven-plugin's build goal.
 * - 3.x is not runnable from Maven Central here: 3.3.x's own modules (schema-util-*, config-*)
 *   and 3.0.9's parent POM are not served. 2.6.13.Final misses schema-util-provider. 2.4.2.Final
 *   resolves once two gaps are closed: the JitPack-only org.everit.json.schema is replaced by
 *   the identical com.github.erosb:everit-json-schema from Central, and the build extension
 *   apicurio-common-app-components-config-index (whose -deployment half is not published) is
 *   left out; its one product, the list of dynamically changeable settings, is supplied empty
 *   by EMPTY_DYNAMIC_CONFIG_INDEX (the sandbox never changes settings at run time).
 * - The app's classes are unpacked into the project's own classes so Quarkus indexes them and
 *   reads the app's application.properties, as in Apicurio's own build.
 * - Storage: the app jar carries the SQL storage only (H2 in memory). The Kafka-backed
 *   "kafkasql" storage is a separate module (apicurio-registry-storage-kafkasql) that Maven
 *   Central does not serve in any version, so schemas last as long as the registry process.
 */

export const APICURIO_VERSION = '2.4.2.Final'
/** The Quarkus version Apicurio 2.4.2.Final was built with (its parent POM's quarkus.version). */
export const APICURIO_QUARKUS_VERSION = '2.16.4.Final'
export const SCHEMA_REGISTRY_PORT = 8081
/** Where the Confluent-compatible API lives on an Apicurio 2.x server. */
export const CCOMPAT_PATH = '/apis/ccompat/v6'

export function schemaRegistryUrl(host: string, port: number): string {
  return `http://${host}:${port}${CCOMPAT_PATH}`
}

export function apicurioPom(version: string = APICURIO_VERSION, quarkusVersion: string = APICURIO_QUARKUS_VERSION): string {
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.fleetops</groupId><artifactId>apicurio-registry-runtime</artifactId><version>1</version>
  <packaging>jar</packaging>
  <properties>
    <apicurio.version>${version}</apicurio.version>
    <quarkus.version>${quarkusVersion}</quarkus.version>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <dependencyManagement>
    <dependencies>
      <dependency><groupId>io.apicurio</groupId><artifactId>apicurio-registry</artifactId><version>\${apicurio.version}</version><type>pom</type><scope>import</scope></dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    <dependency>
      <groupId>io.apicurio</groupId><artifactId>apicurio-registry-app</artifactId><version>\${apicurio.version}</version>
      <exclusions>
        <exclusion><groupId>com.github.everit-org.json-schema</groupId><artifactId>org.everit.json.schema</artifactId></exclusion>
        <exclusion><groupId>io.apicurio</groupId><artifactId>apicurio-common-app-components-config-index</artifactId></exclusion>
      </exclusions>
    </dependency>
    <dependency><groupId>com.github.erosb</groupId><artifactId>everit-json-schema</artifactId><version>1.14.2</version></dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>3.13.0</version>
        <configuration><release>17</release></configuration>
      </plugin>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId><artifactId>maven-dependency-plugin</artifactId><version>3.8.1</version>
        <executions><execution><id>unpack-app</id><phase>process-resources</phase><goals><goal>unpack</goal></goals>
          <configuration><artifactItems><artifactItem>
            <groupId>io.apicurio</groupId><artifactId>apicurio-registry-app</artifactId><version>\${apicurio.version}</version>
            <outputDirectory>\${project.build.outputDirectory}</outputDirectory><excludes>META-INF/MANIFEST.MF,META-INF/maven/**</excludes>
          </artifactItem></artifactItems></configuration>
        </execution></executions>
      </plugin>
      <plugin>
        <groupId>io.quarkus</groupId><artifactId>quarkus-maven-plugin</artifactId><version>\${quarkus.version}</version>
        <executions><execution><goals><goal>build</goal></goals></execution></executions>
      </plugin>
    </plugins>
  </build>
</project>
`
}

/** Maven settings that send every repository a POM names (JitPack, Confluent's, Eclipse's) to Maven Central only. */
export const MAVEN_CENTRAL_ONLY_SETTINGS = `<settings>
  <mirrors><mirror><id>central-only</id><mirrorOf>*</mirrorOf><url>https://repo1.maven.org/maven2</url></mirror></mirrors>
</settings>
`

export const EMPTY_DYNAMIC_CONFIG_INDEX_PATH = 'src/main/java/local/fleetops/registry/EmptyDynamicConfigIndex.java'

/** The one bean the unpublished config-index build extension would have recorded. */
export const EMPTY_DYNAMIC_CONFIG_INDEX = `package local.fleetops.registry;

import io.apicurio.common.apps.config.DynamicConfigPropertyList;
import java.util.List;
import javax.enterprise.context.ApplicationScoped;
import javax.enterprise.inject.Produces;

/** No setting is changeable at run time in the sandbox: the list of dynamic settings is empty. */
@ApplicationScoped
public class EmptyDynamicConfigIndex {
    @Produces
    @ApplicationScoped
    public DynamicConfigPropertyList dynamicConfigPropertyList() {
        return new DynamicConfigPropertyList(List.of());
    }
}
`

/** What Quarkus's legacy-jar packaging (Apicurio 2.x's choice) leaves: the runner beside lib/. */
export const APICURIO_RUNNER_JAR = 'target/apicurio-registry-runtime-1-runner.jar'

/**
 * The registry's JVM command line. `marker` (the sandbox's registry directory) is named on the
 * command line so the pid file is only trusted for this process (see processes.ts).
 */
export function schemaRegistryJvmArgs(opts: {runnerJar: string; host: string; port: number; marker: string}): string[] {
  return [
    '-Xms128m',
    '-Xmx384m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-Djava.awt.headless=true',
    `-Dfleetops.sandbox.dir=${opts.marker}`,
    `-Dquarkus.http.host=${opts.host}`,
    `-Dquarkus.http.port=${opts.port}`,
    '-Dquarkus.log.console.format=%d{HH:mm:ss} %-5p [%c{2.}] %s%e%n',
    '-jar',
    opts.runnerJar,
  ]
}

/** The start-up line Quarkus logs once the HTTP server listens. */
export const SCHEMA_REGISTRY_READY = /Listening on: http:\/\//
